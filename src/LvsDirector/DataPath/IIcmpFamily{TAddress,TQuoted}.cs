using LvsDirector.Packets;

namespace LvsDirector.DataPath;

/// <summary>
/// What the worker's shared ICMP handling (<c>PacketWorker.HandleIcmp</c>) needs to know about ICMP or ICMPv6: the
/// message types, the quote inside an error and how an error is rewritten. Static abstract members on empty structs,
/// as <see cref="IAddressFamily{TAddress}"/>, so each family gets its own compiled copy.
/// </summary>
/// <typeparam name="TAddress">The host-order address: <see cref="uint"/> or <see cref="UInt128"/>.</typeparam>
/// <typeparam name="TQuoted">The packet quoted in an error: <see cref="QuotedPacket"/> or <see cref="Ipv6QuotedPacket"/>.</typeparam>
internal interface IIcmpFamily<TAddress, TQuoted>
    where TAddress : unmanaged, IEquatable<TAddress>
    where TQuoted : struct
{
    /// <summary>The protocol number of this family's ICMP.</summary>
    static abstract byte IcmpProtocol { get; }

    static abstract byte EchoRequestType { get; }

    /// <summary>Whether an error of this type is translated for a NAT connection (the rest are dropped).</summary>
    static abstract bool IsTranslatedError(byte type);

    static abstract bool IsAnnouncedVip(LinkContext link, in FrameInfo info);

    static abstract int WriteEchoReply(Span<byte> destination, ReadOnlySpan<byte> frame, in FrameInfo info, MacAddress sourceMac);

    static abstract bool TryReadQuoted(ReadOnlySpan<byte> frame, in FrameInfo info, out TQuoted quoted);

    static abstract bool IsChecksumValid(ReadOnlySpan<byte> frame, in FrameInfo info);

    static abstract byte QuotedProtocol(in TQuoted quoted);

    static abstract bool QuotedHasPorts(in TQuoted quoted);

    static abstract TAddress QuotedSource(in TQuoted quoted);

    static abstract TAddress QuotedDestination(in TQuoted quoted);

    static abstract ushort QuotedSourcePort(in TQuoted quoted);

    static abstract ushort QuotedDestinationPort(in TQuoted quoted);

    static abstract void TranslateTowardsServer(Span<byte> frame, in FrameInfo info, in TQuoted quoted, TAddress realAddress, ushort realPort);

    static abstract void TranslateTowardsClient(Span<byte> frame, in FrameInfo info, in TQuoted quoted, TAddress virtualAddress, ushort virtualPort);
}
