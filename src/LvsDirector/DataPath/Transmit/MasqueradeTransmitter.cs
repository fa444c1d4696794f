using System.Runtime.CompilerServices;
using LvsDirector.Io;
using LvsDirector.Packets;

namespace LvsDirector.DataPath;

/// <summary>
/// NAT (-m, masquerading) of both families, the counterpart of IPVS's ip_vs_nat_xmit and ip_vs_nat_xmit_v6: the one
/// method that sees both directions of a connection, so its reply path is here too.
/// </summary>
/// <remarks>
/// Generic over the family struct, as the worker's flow is, so each family runs its own direct-call copy; the families
/// differ only in their rewriter (<see cref="NatRewriter"/>, <see cref="Ipv6NatRewriter"/>) behind
/// <see cref="IAddressFamily{TAddress}"/>.
/// Both entries are inlined into the worker's forwarding, so NAT, the common case, costs no extra call.
/// </remarks>
internal static class MasqueradeTransmitter
{
    /// <summary>
    /// To the real server: destination address and port become the server's, with incremental checksums, and the
    /// frame goes to the next hop's MAC (held while it resolves). The frame's checksum must be complete.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transmit<TFamily, TAddress>(
        PacketWorker worker, LinkContext outLink, TAddress nextHop, Span<byte> frame, ref FrameInfo info, TAddress realAddress, ushort realPort)
        where TFamily : struct, IAddressFamily<TAddress>
        where TAddress : unmanaged, IEquatable<TAddress>
    {
        TFamily.RewriteDestination(frame, ref info, realAddress, realPort);
        worker.SendOrHold<TFamily, TAddress>(outLink, nextHop, frame, ref info);
    }

    /// <summary>
    /// To the client (IPVS handle_response): the source becomes the virtual address and port again, and the frame goes
    /// to the MAC and link the client's first frame came from, so NAT needs no routing table on the client side.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransmitReply<TFamily, TAddress>(
        PacketWorker worker, LinkContext clientLink, MacAddress clientMac, Span<byte> frame, ref FrameInfo info, TAddress virtualAddress, ushort virtualPort)
        where TFamily : struct, IAddressFamily<TAddress>
        where TAddress : unmanaged, IEquatable<TAddress>
    {
        TFamily.RewriteSource(frame, ref info, virtualAddress, virtualPort);
        worker.Transmit(clientLink, frame, ref info, clientMac);
    }
}
