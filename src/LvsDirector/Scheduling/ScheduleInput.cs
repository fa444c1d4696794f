namespace LvsDirector.Scheduling;

/// <summary>The flow a new connection is scheduled for; hashing schedulers (sh, dh, mh) read it.</summary>
/// <param name="SourceAddress">Client IPv4 address, host byte order.</param>
/// <param name="DestinationAddress">Virtual IPv4 address, host byte order.</param>
/// <param name="SourcePort">Client port, host byte order.</param>
/// <param name="DestinationPort">Virtual port, host byte order.</param>
/// <param name="Protocol">IP protocol number (6 TCP, 17 UDP).</param>
public readonly record struct ScheduleInput(
    uint SourceAddress,
    uint DestinationAddress,
    ushort SourcePort,
    ushort DestinationPort,
    byte Protocol);
