using LvsDirector.Forwarding;
using LvsDirector.Packets;
using LvsDirector.Services;
using LvsDirector.Tests.Packets;

namespace LvsDirector.Tests.Forwarding;

public class TunnelDecapsulatorTests
{
    private static byte[] Tunnelled(TunnelType type, ushort port = 6080)
    {
        var inner = new FrameBuilder { DestinationAddress = 0xC612_0064 }.Udp(5000, 53, new byte[40]);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(inner, out var info));
        var output = new byte[2048];
        var length = TunnelEncapsulation.Encapsulate(inner, in info, output, type, port, 0xC613_0001, 0xC614_000B, 1);
        return output.AsSpan(0, length).ToArray();
    }

    [Fact]
    public void Ipip_from_a_raw_socket_packet()
    {
        var frame = Tunnelled(TunnelType.Ipip);
        Assert.Equal(DecapsulationResult.Ok, TunnelDecapsulator.TryDecapsulatePacket(frame.AsSpan(14), 0, 0, out var offset, out var length));
        Assert.Equal(20, offset);
        Assert.Equal(frame.Length - 34, length);
    }

    [Fact]
    public void Gue_payload_from_a_udp_socket()
    {
        var frame = Tunnelled(TunnelType.Gue);
        var payload = frame.AsSpan(14 + 28);
        Assert.Equal(DecapsulationResult.Ok, TunnelDecapsulator.TryDecapsulateGue(payload, out var offset, out var length));
        Assert.Equal(4, offset);
        Assert.Equal(0xC612_0064u, Ipv4Header.Destination(payload[offset..]));
        Assert.Equal(payload.Length - 4, length);
    }

    [Fact]
    public void Other_addresses_ports_and_protocols_are_not_tunnels()
    {
        Assert.Equal(DecapsulationResult.NotTunnel, TunnelDecapsulator.TryDecapsulate(Tunnelled(TunnelType.Ipip), 0xC614_000C, 0, out _, out _));
        Assert.Equal(DecapsulationResult.NotTunnel, TunnelDecapsulator.TryDecapsulate(Tunnelled(TunnelType.Gue), 0, 6081, out _, out _));
        Assert.Equal(DecapsulationResult.NotTunnel, TunnelDecapsulator.TryDecapsulate(new FrameBuilder().Tcp(1, 2, TcpFlags.Syn, []), 0, 6080, out _, out _));
    }

    [Fact]
    public void Corruption_and_fragments_are_reported()
    {
        var frame = Tunnelled(TunnelType.Ipip);
        frame[14 + 8]++; // outer TTL without fixing the checksum
        Assert.Equal(DecapsulationResult.Malformed, TunnelDecapsulator.TryDecapsulate(frame, 0, 0, out _, out _));

        var gue = Tunnelled(TunnelType.Gue);
        gue[14 + 28 + 1] = 41; // GUE carrying something other than IPv4
        Assert.Equal(DecapsulationResult.Malformed, TunnelDecapsulator.TryDecapsulate(gue, 0, 6080, out _, out _));

        var fragment = Tunnelled(TunnelType.Ipip);
        Ipv4Header.SetFlagsAndFragmentOffset(fragment.AsSpan(14), Ipv4Header.MoreFragments);
        Ipv4Header.WriteChecksum(fragment.AsSpan(14));
        Assert.Equal(DecapsulationResult.Fragment, TunnelDecapsulator.TryDecapsulate(fragment, 0, 0, out _, out _));
    }

    [Fact]
    public void Every_truncation_is_rejected_cleanly()
    {
        foreach (var type in new[] { TunnelType.Ipip, TunnelType.Gue })
        {
            var frame = Tunnelled(type);
            for (var n = 0; n < frame.Length; n++)
            {
                Assert.NotEqual(DecapsulationResult.Ok, TunnelDecapsulator.TryDecapsulate(frame.AsSpan(0, n), 0, 6080, out _, out _));
            }
        }
    }
}
