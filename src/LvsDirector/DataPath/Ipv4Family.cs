using System.Runtime.CompilerServices;
using LvsDirector.Connections;
using LvsDirector.Forwarding;
using LvsDirector.Neighbors;
using LvsDirector.Packets;
using LvsDirector.Scheduling;
using LvsDirector.Services;

namespace LvsDirector.DataPath;

/// <summary>IPv4 for the worker's shared transport flow: 32-bit addresses, the worker's IPv4 connection table.</summary>
internal readonly struct Ipv4Family : IAddressFamily<uint>, IFragmentFamily<FragmentKey>, IIcmpFamily<uint, QuotedPacket>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Source(in FrameInfo info) => info.SourceAddress;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Destination(in FrameInfo info) => info.DestinationAddress;

    public static uint FromMark(uint mark) => mark;

    public static uint ClientNetwork(in FrameInfo info, PersistenceSettings persistence) => info.SourceAddress & persistence.Netmask;

    public static uint ServerAddress(RealServer server) => server.Address;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScheduleInput ScheduleInput(in FrameInfo info) =>
        new(info.SourceAddress, info.DestinationAddress, info.SourcePort, info.DestinationPort, info.Protocol);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryFindService(ServiceTableSnapshot snapshot, in FrameInfo info, out VirtualService service) =>
        snapshot.TryFindForPacket(info.Protocol, info.DestinationAddress, info.DestinationPort, out service);

    public static bool IsVirtualAddress(ServiceTableSnapshot snapshot, in FrameInfo info) =>
        snapshot.IsVirtualAddress(info.DestinationAddress);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ConnectionTable<uint> Connections(PacketWorker worker) => worker.Connections;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ServerLink(PacketWorker worker, RealServer server) => worker.LinkFor(server.Address);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ConnectionPeers PeersOf(PacketWorker worker) => worker.ConnectionPeers;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint NextHop(LinkContext link, uint address) => PacketWorker.NextHop(link, address);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static NeighborTable<uint> Neighbors(LinkContext link) => link.Neighbors;

    public static void TransmitDirect(PacketWorker worker, LinkContext inLink, LinkContext outLink, uint nextHop, Span<byte> frame, ref FrameInfo info) =>
        DirectRoutingTransmitter.Transmit(worker, inLink, outLink, nextHop, frame, ref info);

    public static void TransmitTunnel(PacketWorker worker, LinkContext inLink, LinkContext outLink, uint nextHop, RealServer server, Span<byte> frame, ref FrameInfo info) =>
        TunnelTransmitter.Transmit(worker, inLink, outLink, nextHop, server, frame, ref info);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RewriteDestination(Span<byte> frame, ref FrameInfo info, uint address, ushort port) =>
        NatRewriter.RewriteDestination(frame, info, address, port);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RewriteSource(Span<byte> frame, ref FrameInfo info, uint address, ushort port) =>
        NatRewriter.RewriteSource(frame, info, address, port);

    public static int Encapsulate(PacketWorker worker, ReadOnlySpan<byte> packet, in FrameInfo info, Span<byte> output, RealServer server, uint source) =>
        TunnelEncapsulation.Encapsulate(packet, in info, output, server.TunnelType, server.TunnelPort, source, server.Address, worker.Scratch.NextIpv4Id());

    public static FragmentTracker<FragmentKey> Fragments(PacketWorker worker) => worker.Fragments;

    public static bool HasFragmentHeader(in FrameInfo info) => true;

    public static bool IsOfFamily(in FrameInfo info) => true;

    public static FragmentKey FragmentKeyOf(ReadOnlySpan<byte> frame, in FrameInfo info) =>
        new(info.SourceAddress, info.DestinationAddress, info.Protocol, Ipv4Header.Identification(frame.Slice(info.L3Offset, info.IpHeaderLength)));

    public static int FragmentOffset(ReadOnlySpan<byte> frame, in FrameInfo info, out bool isLast)
    {
        var ip = frame.Slice(info.L3Offset, info.IpHeaderLength);
        isLast = !Ipv4Header.HasMoreFragments(ip);
        return Ipv4Header.FragmentOffset(ip);
    }

    public static byte IcmpProtocol => IpProtocol.Icmp;

    public static byte EchoRequestType => Icmp.EchoRequestType;

    public static bool IsTranslatedError(byte type) => Icmp.IsTranslatedError(type);

    public static bool IsAnnouncedVip(LinkContext link, in FrameInfo info) => link.AnnouncedVips.Contains(info.DestinationAddress);

    public static int WriteEchoReply(Span<byte> destination, ReadOnlySpan<byte> frame, in FrameInfo info, MacAddress sourceMac) =>
        Icmp.WriteEchoReply(destination, frame, info, sourceMac);

    public static bool TryReadQuoted(ReadOnlySpan<byte> frame, in FrameInfo info, out QuotedPacket quoted) => Icmp.TryReadQuoted(frame, info, out quoted);

    public static bool IsChecksumValid(ReadOnlySpan<byte> frame, in FrameInfo info) => Icmp.IsChecksumValid(frame.Slice(info.L4Offset, info.L4Length));

    public static byte QuotedProtocol(in QuotedPacket quoted) => quoted.Protocol;

    public static bool QuotedHasPorts(in QuotedPacket quoted) => quoted.HasPorts;

    public static uint QuotedSource(in QuotedPacket quoted) => quoted.SourceAddress;

    public static uint QuotedDestination(in QuotedPacket quoted) => quoted.DestinationAddress;

    public static ushort QuotedSourcePort(in QuotedPacket quoted) => quoted.SourcePort;

    public static ushort QuotedDestinationPort(in QuotedPacket quoted) => quoted.DestinationPort;

    public static void TranslateTowardsServer(Span<byte> frame, in FrameInfo info, in QuotedPacket quoted, uint realAddress, ushort realPort) =>
        IcmpErrorRewriter.TranslateTowardsServer(frame, info, quoted, realAddress, realPort);

    public static void TranslateTowardsClient(Span<byte> frame, in FrameInfo info, in QuotedPacket quoted, uint virtualAddress, ushort virtualPort) =>
        IcmpErrorRewriter.TranslateTowardsClient(frame, info, quoted, virtualAddress, virtualPort);
}
