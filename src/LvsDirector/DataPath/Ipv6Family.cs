using System.Buffers.Binary;
using LvsDirector.Connections;
using LvsDirector.Neighbors;
using LvsDirector.Packets;
using LvsDirector.Scheduling;
using LvsDirector.Services;

namespace LvsDirector.DataPath;

/// <summary>IPv6 for the worker's shared transport flow: 128-bit addresses, the worker's IPv6 connection table.</summary>
internal readonly struct Ipv6Family : IAddressFamily<UInt128>, IFragmentFamily<Ipv6FragmentKey>, IIcmpFamily<UInt128, Ipv6QuotedPacket>
{
    public static UInt128 Source(in FrameInfo info) => info.SourceAddress6;

    public static UInt128 Destination(in FrameInfo info) => info.DestinationAddress6;

    public static UInt128 FromMark(uint mark) => mark;

    // The service's IPv6 prefix mask (default /128).
    public static UInt128 ClientNetwork(in FrameInfo info, PersistenceSettings persistence) => info.SourceAddress6 & persistence.Ipv6Mask;

    public static UInt128 ServerAddress(RealServer server) => server.Address6;

    // What IPVS hashes for an IPv6 flow: the 32-bit folds of the addresses (ip_vs_addr_fold / ipv6_addr_hash).
    public static ScheduleInput ScheduleInput(in FrameInfo info) =>
        new(Ipv6Address.Fold(info.SourceAddress6), Ipv6Address.Fold(info.DestinationAddress6), info.SourcePort, info.DestinationPort, info.Protocol);

    public static bool TryFindService(ServiceTableSnapshot snapshot, in FrameInfo info, out VirtualService service) =>
        snapshot.TryFindForPacket6(info.Protocol, info.DestinationAddress6, info.DestinationPort, out service);

    public static bool IsVirtualAddress(ServiceTableSnapshot snapshot, in FrameInfo info) =>
        snapshot.IsVirtualAddress6(info.DestinationAddress6);

    public static ConnectionTable<UInt128> Connections(PacketWorker worker) => worker.Connections6;

    // An IPv4 real server in an IPv6 service has no route.
    public static int ServerLink(PacketWorker worker, RealServer server) => server.IsIpv6 ? worker.LinkFor6(server.Address6) : -1;

    public static ConnectionPeers PeersOf(PacketWorker worker) => worker.ConnectionPeers6;

    public static UInt128 NextHop(LinkContext link, UInt128 address) => PacketWorker.NextHop6(link, address);

    public static NeighborTable<UInt128> Neighbors(LinkContext link) => link.Neighbors6;

    public static void TransmitDirect(PacketWorker worker, LinkContext inLink, LinkContext outLink, UInt128 nextHop, Span<byte> frame, ref FrameInfo info) =>
        DirectRoutingTransmitter.Transmit6(worker, inLink, outLink, nextHop, frame, ref info);

    public static void TransmitTunnel(PacketWorker worker, LinkContext inLink, LinkContext outLink, UInt128 nextHop, RealServer server, Span<byte> frame, ref FrameInfo info) =>
        TunnelTransmitter.Transmit6(worker, inLink, outLink, nextHop, server, frame, ref info);

    // TcpSegmenter takes the IPv6 pseudo-header addresses from info, so a super-frame's segments need the new one.
    public static void RewriteDestination(Span<byte> frame, ref FrameInfo info, UInt128 address, ushort port)
    {
        Ipv6NatRewriter.RewriteDestination(frame, info, address, port);
        info.DestinationAddress6 = address;
    }

    public static void RewriteSource(Span<byte> frame, ref FrameInfo info, UInt128 address, ushort port)
    {
        Ipv6NatRewriter.RewriteSource(frame, info, address, port);
        info.SourceAddress6 = address;
    }

    public static int Encapsulate(PacketWorker worker, ReadOnlySpan<byte> packet, in FrameInfo info, Span<byte> output, RealServer server, UInt128 source) =>
        Ipv6Encapsulation.Encapsulate(packet, in info, output, source, server.Address6);

    public static FragmentTracker<Ipv6FragmentKey> Fragments(PacketWorker worker) => worker.Fragments6;

    public static bool HasFragmentHeader(in FrameInfo info) => info.FragmentHeaderOffset != 0;

    public static bool IsOfFamily(in FrameInfo info) => info.IsIpv6;

    // Unlike IPv4, the protocol is not part of the key (RFC 8200 section 4.5).
    public static Ipv6FragmentKey FragmentKeyOf(ReadOnlySpan<byte> frame, in FrameInfo info) =>
        new(info.SourceAddress6, info.DestinationAddress6, info.FragmentId);

    public static int FragmentOffset(ReadOnlySpan<byte> frame, in FrameInfo info, out bool isLast)
    {
        // Fragment header: next header, reserved, offset (13 bits, in 8-byte units) with the M flag, identification.
        var offsetAndFlags = BinaryPrimitives.ReadUInt16BigEndian(frame[(info.FragmentHeaderOffset + 2)..]);
        isLast = (offsetAndFlags & Ipv6Header.MoreFragmentsFlag) == 0;
        return offsetAndFlags & Ipv6Header.FragmentOffsetMask;
    }

    public static byte IcmpProtocol => IpProtocol.Icmpv6;

    public static byte EchoRequestType => Icmpv6.EchoRequestType;

    public static bool IsTranslatedError(byte type) => Icmpv6.IsTranslatedError(type);

    public static bool IsAnnouncedVip(LinkContext link, in FrameInfo info) => link.AnnouncedVips6.Contains(info.DestinationAddress6);

    public static int WriteEchoReply(Span<byte> destination, ReadOnlySpan<byte> frame, in FrameInfo info, MacAddress sourceMac) =>
        Icmpv6.WriteEchoReply(destination, frame, info, sourceMac);

    public static bool TryReadQuoted(ReadOnlySpan<byte> frame, in FrameInfo info, out Ipv6QuotedPacket quoted) => Icmpv6.TryReadQuoted(frame, info, out quoted);

    public static bool IsChecksumValid(ReadOnlySpan<byte> frame, in FrameInfo info) => TransportChecksum.Verify(frame, in info);

    public static byte QuotedProtocol(in Ipv6QuotedPacket quoted) => quoted.Protocol;

    public static bool QuotedHasPorts(in Ipv6QuotedPacket quoted) => quoted.HasPorts;

    public static UInt128 QuotedSource(in Ipv6QuotedPacket quoted) => quoted.SourceAddress;

    public static UInt128 QuotedDestination(in Ipv6QuotedPacket quoted) => quoted.DestinationAddress;

    public static ushort QuotedSourcePort(in Ipv6QuotedPacket quoted) => quoted.SourcePort;

    public static ushort QuotedDestinationPort(in Ipv6QuotedPacket quoted) => quoted.DestinationPort;

    public static void TranslateTowardsServer(Span<byte> frame, in FrameInfo info, in Ipv6QuotedPacket quoted, UInt128 realAddress, ushort realPort) =>
        Icmpv6ErrorRewriter.TranslateTowardsServer(frame, info, quoted, realAddress, realPort);

    public static void TranslateTowardsClient(Span<byte> frame, in FrameInfo info, in Ipv6QuotedPacket quoted, UInt128 virtualAddress, ushort virtualPort) =>
        Icmpv6ErrorRewriter.TranslateTowardsClient(frame, info, quoted, virtualAddress, virtualPort);
}
