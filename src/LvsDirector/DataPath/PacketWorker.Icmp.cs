using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.DataPath;

public sealed partial class PacketWorker
{
    private void HandleIcmp(LinkContext link, Span<byte> frame, ref FrameInfo info)
    {
        if (Icmp.IsTranslatedError(info.IcmpType))
        {
            TranslateIcmpError(frame, ref info);
            return;
        }

        // Echo requests are answered only for a VIP announced on the link they came in on, so the server side
        // (where no VIP is announced) never gets answers in the VIP's name.
        if (info.IcmpType != Icmp.EchoRequestType || info.IcmpCode != 0 || !link.AnnouncedVips.Contains(info.DestinationAddress))
        {
            _counters.NotForUs++;
            return;
        }

        var length = Icmp.WriteEchoReply(_scratch, frame, info, link.Mac);
        if (length > 0 && link.Link.TrySend(_scratch.AsSpan(0, length)))
        {
            _counters.EchoRepliesSent++;
        }
    }

    // IPVS ip_vs_in_icmp / ip_vs_out_icmp: an error about one of our NAT connections is translated so that its
    // receiver can match the quote against its own socket. Which side it came from follows from the quote: a packet
    // the director sent to the client (VIP:vport -> CIP:cport) or one it sent to a real server (CIP:cport -> RIP:rport).
    // Both lookups take the quote reversed, as the flow's own packets would arrive.
    private void TranslateIcmpError(Span<byte> frame, ref FrameInfo info)
    {
        if (!Icmp.TryReadQuoted(frame, info, out var quoted))
        {
            _counters.IcmpMalformed++;
            return;
        }

        if (quoted.Protocol == IpProtocol.Icmp)
        {
            // An error about an ICMP message (e.g. about an echo reply of ours) concerns no connection.
            _counters.IcmpAboutIcmp++;
            return;
        }

        if (quoted.Protocol is not (IpProtocol.Tcp or IpProtocol.Udp))
        {
            _counters.IcmpUnknownFlow++;
            return;
        }

        if (!quoted.HasPorts)
        {
            _counters.IcmpMalformed++;
            return;
        }

        if (!Icmp.IsChecksumValid(frame.Slice(info.L4Offset, info.L4Length)))
        {
            _counters.IcmpBadChecksum++;
            return;
        }

        var index = _connections.FindInbound(quoted.Protocol, quoted.DestinationAddress, quoted.DestinationPort, quoted.SourceAddress, quoted.SourcePort);
        if (index >= 0)
        {
            IcmpErrorToServer(frame, ref info, in quoted, index);
            return;
        }

        index = _connections.FindOutbound(quoted.Protocol, quoted.DestinationAddress, quoted.DestinationPort, quoted.SourceAddress, quoted.SourcePort);
        if (index >= 0)
        {
            IcmpErrorToClient(frame, ref info, in quoted, index);
            return;
        }

        _counters.IcmpUnknownFlow++;
    }

    // From the client side: outer destination, quoted source and source port become the real server's (ip_vs_nat_icmp
    // with inout 0). The connection's state and timer are left alone, as IPVS does.
    private void IcmpErrorToServer(Span<byte> frame, ref FrameInfo info, in QuotedPacket quoted, int index)
    {
        if (_connections.GetDestination(index) is not RealServer server)
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
        var outLink = _links[_serverLink[index]];
        var nextHop = NextHop(outLink, server.Address);
        server.Stats.AddInbound(info.IpTotalLength);
        server.Service.Stats.AddInbound(info.IpTotalLength);
        switch (server.Method)
        {
            // IPVS passes such an error unchanged through the connection's DR/TUN transmitter: the real server
            // holds the VIP itself, so the quote already names it.
            case ForwardingMethod.DirectRouting:
                _counters.IcmpErrorsForwarded++;
                ForwardDirect(outLink, nextHop, frame[..length], ref info);
                return;
            case ForwardingMethod.Tunnel:
                _counters.IcmpErrorsForwarded++;
                ForwardTunnel(outLink, nextHop, server, frame[..length], ref info);
                return;
        }

        ref readonly var entry = ref _connections[index];
        IcmpErrorRewriter.TranslateTowardsServer(frame, info, quoted, entry.RealAddress, entry.RealPort);
        _counters.IcmpErrorsTranslated++;
        SendOrHold<Ipv4Family, uint>(outLink, nextHop, frame[..length], ref info);
    }

    // From the real server side: outer source, quoted destination and destination port become the VIP's
    // (ip_vs_nat_icmp with inout 1, reached through handle_response_icmp), sent where the client's packets came from.
    private void IcmpErrorToClient(Span<byte> frame, ref FrameInfo info, in QuotedPacket quoted, int index)
    {
        ref readonly var entry = ref _connections[index];
        IcmpErrorRewriter.TranslateTowardsClient(frame, info, quoted, entry.VirtualAddress, entry.VirtualPort);
        _counters.IcmpErrorsTranslated++;
        if (_connections.GetDestination(index) is RealServer server)
        {
            server.Stats.AddOutbound(info.IpTotalLength);
            server.Service.Stats.AddOutbound(info.IpTotalLength);
        }

        var length = info.L3Offset + info.IpTotalLength;
        Transmit(_links[_clientLink[index]], frame[..length], ref info, new MacAddress(_clientMac[index]));
    }
}
