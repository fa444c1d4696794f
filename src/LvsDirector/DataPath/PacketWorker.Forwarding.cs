using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.DataPath;

public sealed partial class PacketWorker
{
    // The connection's packets from the client, to its real server by the method bound to the connection when it was
    // created (as IPVS calls cp->packet_xmit): each method's transmitter is its own type under Transmit/.
    private void ForwardInbound<TFamily, TAddress>(LinkContext inLink, Span<byte> frame, FrameFlags flags, ref FrameInfo info, int index)
        where TFamily : struct, IAddressFamily<TAddress>
        where TAddress : unmanaged, IEquatable<TAddress>
    {
        var connections = TFamily.Connections(this);
        if (connections.GetDestination(index) is not RealServer server)
        {
            _counters.NoDestination++;
            return;
        }

        if (server.IsRemoved)
        {
            // IPVS drops packets of a connection whose destination was deleted; with expire_nodest_conn the entry
            // goes too, so the client's next attempt is scheduled afresh.
            _counters.DestinationRemoved++;
            if (_options.ExpireNodestConn)
            {
                connections.Remove(index);
                _counters.NoDestinationExpired++;
            }

            return;
        }

        connections.OnInbound(index, info.TcpFlags, _nowMs);
        var length = info.L3Offset + info.IpTotalLength;
        server.Stats.AddInbound(Index, info.IpTotalLength);
        server.Service.Stats.AddInbound(Index, info.IpTotalLength);

        ref readonly var entry = ref connections[index];
        CompleteChecksumIfPartial(frame, flags, ref info);
        var outLink = _links[TFamily.PeersOf(this).ServerLink(index)];
        var nextHop = TFamily.NextHop(outLink, TFamily.ServerAddress(server));
        switch (ForwardingBinding.FromStatus(entry.Flags))
        {
            case ForwardingMethod.DirectRouting:
                TFamily.TransmitDirect(this, inLink, outLink, nextHop, frame[..length], ref info);
                return;
            case ForwardingMethod.Tunnel:
                TFamily.TransmitTunnel(this, inLink, outLink, nextHop, server, frame[..length], ref info);
                return;
        }

        MasqueradeTransmitter.Transmit<TFamily, TAddress>(this, outLink, nextHop, frame[..length], ref info, entry.RealAddress, entry.RealPort);
    }

    // The connection's replies from the real server (only NAT connections have a reply entry): back to the client.
    private void ForwardOutbound<TFamily, TAddress>(Span<byte> frame, FrameFlags flags, ref FrameInfo info, int index)
        where TFamily : struct, IAddressFamily<TAddress>
        where TAddress : unmanaged, IEquatable<TAddress>
    {
        var connections = TFamily.Connections(this);
        var server = connections.GetDestination(index) as RealServer;
        connections.OnOutbound(index, info.TcpFlags, _nowMs);
        var length = info.L3Offset + info.IpTotalLength;
        if (server is not null)
        {
            server.Stats.AddOutbound(Index, info.IpTotalLength);
            server.Service.Stats.AddOutbound(Index, info.IpTotalLength);
        }

        ref readonly var entry = ref connections[index];
        CompleteChecksumIfPartial(frame, flags, ref info);
        var peers = TFamily.PeersOf(this);
        MasqueradeTransmitter.TransmitReply<TFamily, TAddress>(this, _links[peers.ClientLink(index)], new MacAddress(peers.ClientMac(index)),
            frame[..length], ref info, entry.VirtualAddress, entry.VirtualPort);
    }
}
