using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.DataPath;

/// <summary>ICMP and ICMPv6: echo requests to a VIP answered, errors about NAT connections translated both ways, the rest dropped.</summary>
public sealed partial class PacketWorker
{
    private void HandleIcmp<TFamily, TAddress, TQuoted>(LinkContext link, Span<byte> frame, ref FrameInfo info)
        where TFamily : struct, IAddressFamily<TAddress>, IIcmpFamily<TAddress, TQuoted>
        where TAddress : unmanaged, IEquatable<TAddress>
        where TQuoted : struct
    {
        if (TFamily.IsTranslatedError(info.IcmpType))
        {
            TranslateIcmpError<TFamily, TAddress, TQuoted>(link, frame, ref info);
            return;
        }

        // Echo requests are answered only for a VIP announced on the link they came in on, so the server side
        // (where no VIP is announced) never gets answers in the VIP's name.
        if (info.IcmpType != TFamily.EchoRequestType || info.IcmpCode != 0 || !TFamily.IsAnnouncedVip(link, in info))
        {
            _counters.NotForUs++;
            return;
        }

        var length = TFamily.WriteEchoReply(_scratch.Frame, frame, in info, link.Mac);
        if (length > 0 && link.Link.TrySend(_scratch.Frame.AsSpan(0, length)))
        {
            _counters.EchoRepliesSent++;
        }
    }

    // IPVS ip_vs_in_icmp / ip_vs_out_icmp (ip_vs_in_icmp_v6 / ip_vs_out_icmp_v6): an error about one of our NAT
    // connections is translated so that its receiver can match the quote against its own socket. Which side it came
    // from follows from the quote: a packet the director sent to the client (VIP:vport -> CIP:cport) or one it sent to
    // a real server (CIP:cport -> RIP:rport). Both lookups take the quote reversed, as the flow's own packets would arrive.
    private void TranslateIcmpError<TFamily, TAddress, TQuoted>(LinkContext link, Span<byte> frame, ref FrameInfo info)
        where TFamily : struct, IAddressFamily<TAddress>, IIcmpFamily<TAddress, TQuoted>
        where TAddress : unmanaged, IEquatable<TAddress>
        where TQuoted : struct
    {
        if (!TFamily.TryReadQuoted(frame, in info, out var quoted))
        {
            _counters.IcmpMalformed++;
            return;
        }

        var protocol = TFamily.QuotedProtocol(in quoted);
        if (protocol == TFamily.IcmpProtocol)
        {
            // An error about an ICMP message (e.g. about an echo reply of ours) concerns no connection.
            _counters.IcmpAboutIcmp++;
            return;
        }

        if (protocol is not (IpProtocol.Tcp or IpProtocol.Udp))
        {
            _counters.IcmpUnknownFlow++;
            return;
        }

        if (!TFamily.QuotedHasPorts(in quoted))
        {
            _counters.IcmpMalformed++;
            return;
        }

        if (!TFamily.IsChecksumValid(frame, in info))
        {
            _counters.IcmpBadChecksum++;
            return;
        }

        var connections = TFamily.Connections(this);
        var quotedSource = TFamily.QuotedSource(in quoted);
        var quotedDestination = TFamily.QuotedDestination(in quoted);
        var quotedSourcePort = TFamily.QuotedSourcePort(in quoted);
        var quotedDestinationPort = TFamily.QuotedDestinationPort(in quoted);
        var index = connections.FindInbound(protocol, quotedDestination, quotedDestinationPort, quotedSource, quotedSourcePort);
        if (index >= 0)
        {
            IcmpErrorToServer<TFamily, TAddress, TQuoted>(link, frame, ref info, in quoted, index);
            return;
        }

        index = connections.FindOutbound(protocol, quotedDestination, quotedDestinationPort, quotedSource, quotedSourcePort);
        if (index >= 0)
        {
            IcmpErrorToClient<TFamily, TAddress, TQuoted>(frame, ref info, in quoted, index);
            return;
        }

        _counters.IcmpUnknownFlow++;
    }

    // From the client side: outer destination, quoted source and source port become the real server's (ip_vs_nat_icmp
    // with inout 0). The connection's state and timer are left alone, as IPVS does.
    private void IcmpErrorToServer<TFamily, TAddress, TQuoted>(LinkContext inLink, Span<byte> frame, ref FrameInfo info, in TQuoted quoted, int index)
        where TFamily : struct, IAddressFamily<TAddress>, IIcmpFamily<TAddress, TQuoted>
        where TAddress : unmanaged, IEquatable<TAddress>
        where TQuoted : struct
    {
        var connections = TFamily.Connections(this);
        if (connections.GetDestination(index) is not RealServer server)
        {
            _counters.NoDestination++;
            return;
        }

        if (server.IsRemoved)
        {
            _counters.DestinationRemoved++;
            return;
        }

        var length = info.L3Offset + info.IpTotalLength;
        var outLink = _links[TFamily.PeersOf(this).ServerLink(index)];
        var nextHop = TFamily.NextHop(outLink, TFamily.ServerAddress(server));
        server.Stats.AddInbound(Index, info.IpTotalLength);
        server.Service.Stats.AddInbound(Index, info.IpTotalLength);
        ref readonly var entry = ref connections[index];
        switch (ForwardingBinding.FromStatus(entry.Flags))
        {
            // IPVS passes such an error unchanged through the connection's DR/TUN transmitter: the real server
            // holds the VIP itself, so the quote already names it.
            case ForwardingMethod.DirectRouting:
                _counters.IcmpErrorsForwarded++;
                TFamily.TransmitDirect(this, inLink, outLink, nextHop, frame[..length], ref info);
                return;
            case ForwardingMethod.Tunnel:
                _counters.IcmpErrorsForwarded++;
                TFamily.TransmitTunnel(this, inLink, outLink, nextHop, server, frame[..length], ref info);
                return;
        }

        TFamily.TranslateTowardsServer(frame, in info, in quoted, entry.RealAddress, entry.RealPort);
        _counters.IcmpErrorsTranslated++;
        SendOrHold<TFamily, TAddress>(outLink, nextHop, frame[..length], ref info);
    }

    // From the real server side: outer source, quoted destination and destination port become the VIP's
    // (ip_vs_nat_icmp with inout 1, reached through handle_response_icmp), sent where the client's packets came from.
    private void IcmpErrorToClient<TFamily, TAddress, TQuoted>(Span<byte> frame, ref FrameInfo info, in TQuoted quoted, int index)
        where TFamily : struct, IAddressFamily<TAddress>, IIcmpFamily<TAddress, TQuoted>
        where TAddress : unmanaged, IEquatable<TAddress>
        where TQuoted : struct
    {
        var connections = TFamily.Connections(this);
        ref readonly var entry = ref connections[index];
        TFamily.TranslateTowardsClient(frame, in info, in quoted, entry.VirtualAddress, entry.VirtualPort);
        _counters.IcmpErrorsTranslated++;
        if (connections.GetDestination(index) is RealServer server)
        {
            server.Stats.AddOutbound(Index, info.IpTotalLength);
            server.Service.Stats.AddOutbound(Index, info.IpTotalLength);
        }

        var length = info.L3Offset + info.IpTotalLength;
        Transmit(_links[TFamily.PeersOf(this).ClientLink(index)], frame[..length], ref info, new MacAddress(TFamily.PeersOf(this).ClientMac(index)));
    }
}
