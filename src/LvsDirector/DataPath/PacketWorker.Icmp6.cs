using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.DataPath;

/// <summary>ICMPv6: echo requests to a VIP answered, errors about NAT connections translated both ways, the rest dropped.</summary>
public sealed partial class PacketWorker
{
    private void HandleIcmp6(LinkContext link, Span<byte> frame, ref FrameInfo info)
    {
        if (Icmpv6.IsTranslatedError(info.IcmpType))
        {
            TranslateIcmp6Error(frame, ref info);
            return;
        }

        if (info.IcmpType != Icmpv6.EchoRequestType || info.IcmpCode != 0 || !link.AnnouncedVips6.Contains(info.DestinationAddress6))
        {
            _counters.NotForUs++;
            return;
        }

        var length = Icmpv6.WriteEchoReply(_scratch, frame, info, link.Mac);
        if (length > 0 && link.Link.TrySend(_scratch.AsSpan(0, length)))
        {
            _counters.EchoRepliesSent++;
        }
    }

    // ip_vs_in_icmp_v6 / ip_vs_out_icmp_v6: which side the error came from follows from the quote, both lookups take
    // the quote reversed, as the flow's own packets would arrive (see TranslateIcmpError).
    private void TranslateIcmp6Error(Span<byte> frame, ref FrameInfo info)
    {
        if (!Icmpv6.TryReadQuoted(frame, info, out var quoted))
        {
            _counters.IcmpMalformed++;
            return;
        }

        if (quoted.Protocol == IpProtocol.Icmpv6)
        {
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

        if (!TransportChecksum.Verify(frame, in info))
        {
            _counters.IcmpBadChecksum++;
            return;
        }

        var index = _connections6.FindInbound(quoted.Protocol, quoted.DestinationAddress, quoted.DestinationPort, quoted.SourceAddress, quoted.SourcePort);
        if (index >= 0)
        {
            Icmp6ErrorToServer(frame, ref info, in quoted, index);
            return;
        }

        index = _connections6.FindOutbound(quoted.Protocol, quoted.DestinationAddress, quoted.DestinationPort, quoted.SourceAddress, quoted.SourcePort);
        if (index >= 0)
        {
            Icmp6ErrorToClient(frame, ref info, in quoted, index);
            return;
        }

        _counters.IcmpUnknownFlow++;
    }

    private void Icmp6ErrorToServer(Span<byte> frame, ref FrameInfo info, in Ipv6QuotedPacket quoted, int index)
    {
        if (_connections6.GetDestination(index) is not RealServer server)
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
        var outLink = _links[_serverLink6[index]];
        var nextHop = NextHop6(outLink, server.Address6);
        server.Stats.AddInbound(info.IpTotalLength);
        server.Service.Stats.AddInbound(info.IpTotalLength);
        switch (server.Method)
        {
            // The real server holds the VIP itself, so the quote already names it: passed on unchanged, as IPVS does.
            case ForwardingMethod.DirectRouting:
                _counters.IcmpErrorsForwarded++;
                ForwardDirect6(outLink, nextHop, frame[..length], ref info);
                return;
            case ForwardingMethod.Tunnel:
                _counters.IcmpErrorsForwarded++;
                ForwardTunnel6(outLink, nextHop, server, frame[..length], ref info);
                return;
        }

        ref readonly var entry = ref _connections6[index];
        Icmpv6ErrorRewriter.TranslateTowardsServer(frame, info, quoted, entry.RealAddress, entry.RealPort);
        _counters.IcmpErrorsTranslated++;
        SendOrHold<Ipv6Family, UInt128>(outLink, nextHop, frame[..length], ref info);
    }

    private void Icmp6ErrorToClient(Span<byte> frame, ref FrameInfo info, in Ipv6QuotedPacket quoted, int index)
    {
        ref readonly var entry = ref _connections6[index];
        Icmpv6ErrorRewriter.TranslateTowardsClient(frame, info, quoted, entry.VirtualAddress, entry.VirtualPort);
        _counters.IcmpErrorsTranslated++;
        if (_connections6.GetDestination(index) is RealServer server)
        {
            server.Stats.AddOutbound(info.IpTotalLength);
            server.Service.Stats.AddOutbound(info.IpTotalLength);
        }

        var length = info.L3Offset + info.IpTotalLength;
        Transmit(_links[_clientLink6[index]], frame[..length], ref info, new MacAddress(_clientMac6[index]));
    }
}
