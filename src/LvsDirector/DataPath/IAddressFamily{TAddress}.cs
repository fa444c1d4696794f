using LvsDirector.Connections;
using LvsDirector.Neighbors;
using LvsDirector.Packets;
using LvsDirector.Scheduling;
using LvsDirector.Services;

namespace LvsDirector.DataPath;

/// <summary>
/// What the worker's shared transport flow (<c>PacketWorker.HandleTransport</c>) needs to know about one address
/// family: where its addresses sit in a parsed frame, its connection table, service lookup and forwarding.
/// </summary>
/// <remarks>
/// Only static abstract members, implemented by empty structs (<see cref="Ipv4Family"/>, <see cref="Ipv6Family"/>):
/// a generic method over a struct type argument is compiled once per family and every member call is a direct,
/// inlinable call, so the IPv4 path runs the same machine code as a flow written for uint alone and nothing allocates.
/// </remarks>
/// <typeparam name="TAddress">The host-order address: <see cref="uint"/> or <see cref="UInt128"/>.</typeparam>
internal interface IAddressFamily<TAddress>
    where TAddress : unmanaged, IEquatable<TAddress>
{
    static abstract TAddress Source(in FrameInfo info);

    static abstract TAddress Destination(in FrameInfo info);

    /// <summary>A firewall mark as the virtual address of a persistence template.</summary>
    static abstract TAddress FromMark(uint mark);

    /// <summary>The client network a persistence template is keyed on: the source under the service's mask.</summary>
    static abstract TAddress ClientNetwork(in FrameInfo info, PersistenceSettings persistence);

    static abstract TAddress ServerAddress(RealServer server);

    /// <summary>What the schedulers hash for this packet.</summary>
    static abstract ScheduleInput ScheduleInput(in FrameInfo info);

    static abstract bool TryFindService(ServiceTableSnapshot snapshot, in FrameInfo info, out VirtualService service);

    static abstract bool IsVirtualAddress(ServiceTableSnapshot snapshot, in FrameInfo info);

    static abstract ConnectionTable<TAddress> Connections(PacketWorker worker);

    /// <summary>The link the real server is reached on, or -1 when there is no route to it.</summary>
    static abstract int ServerLink(PacketWorker worker, RealServer server);

    /// <summary>Where each connection of this family's table is sent (client MAC and link, server link), by slot.</summary>
    static abstract ConnectionPeers PeersOf(PacketWorker worker);

    /// <summary>The neighbour to hand a packet for address to on link.</summary>
    static abstract TAddress NextHop(LinkContext link, TAddress address);

    static abstract NeighborTable<TAddress> Neighbors(LinkContext link);

    /// <summary>This family's direct-routing transmitter (<see cref="DirectRoutingTransmitter"/>); inLink is where the packet came in.</summary>
    static abstract void TransmitDirect(PacketWorker worker, LinkContext inLink, LinkContext outLink, TAddress nextHop, Span<byte> frame, ref FrameInfo info);

    /// <summary>This family's tunnelling transmitter (<see cref="TunnelTransmitter"/>); inLink is where the packet came in.</summary>
    static abstract void TransmitTunnel(PacketWorker worker, LinkContext inLink, LinkContext outLink, TAddress nextHop, RealServer server, Span<byte> frame, ref FrameInfo info);

    /// <summary>NAT towards the real server: destination address and port, checksums, and what info says of them.</summary>
    static abstract void RewriteDestination(Span<byte> frame, ref FrameInfo info, TAddress address, ushort port);

    /// <summary>NAT towards the client: source address and port, checksums, and what info says of them.</summary>
    static abstract void RewriteSource(Span<byte> frame, ref FrameInfo info, TAddress address, ushort port);

    /// <summary>The packet inside this family's tunnel header to the real server, from source; its length, or 0.</summary>
    static abstract int Encapsulate(PacketWorker worker, ReadOnlySpan<byte> packet, in FrameInfo info, Span<byte> output, RealServer server, TAddress source);
}
