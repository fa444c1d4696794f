namespace LvsDirector.DataPath;

/// <summary>What ties the fragments of one IPv4 datagram together (RFC 791): source, destination, protocol and identification.</summary>
internal readonly record struct FragmentKey(uint Source, uint Destination, byte Protocol, ushort Identification);
