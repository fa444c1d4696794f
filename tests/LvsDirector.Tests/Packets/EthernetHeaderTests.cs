using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class EthernetHeaderTests
{
    [Fact]
    public void WriteReadAndSwap()
    {
        var a = MacAddress.Parse("02:00:00:00:00:01");
        var b = MacAddress.Parse("02:00:00:00:00:02");
        var frame = new byte[EthernetHeader.Length];

        EthernetHeader.Write(frame, a, b, EtherType.Ipv4);
        Assert.Equal(a, EthernetHeader.Destination(frame));
        Assert.Equal(b, EthernetHeader.Source(frame));
        Assert.Equal(EtherType.Ipv4, EthernetHeader.Type(frame));

        EthernetHeader.SwapAddresses(frame);
        Assert.Equal(b, EthernetHeader.Destination(frame));
        Assert.Equal(a, EthernetHeader.Source(frame));

        EthernetHeader.SetDestination(frame, MacAddress.Broadcast);
        EthernetHeader.SetSource(frame, a);
        Assert.Equal("ff:ff:ff:ff:ff:ff02:00:00:00:00:01", $"{EthernetHeader.Destination(frame)}{EthernetHeader.Source(frame)}");
    }

    [Fact]
    public void DecrementTtlPatchesTheHeaderChecksum()
    {
        var frame = new FrameBuilder { Ttl = 2, IpOptionsLength = 4 }.Udp(1, 2, "x"u8);
        var ip = frame.AsSpan(14);
        Assert.True(Ipv4Header.DecrementTtl(ip));
        Assert.Equal(1, Ipv4Header.Ttl(ip));
        Assert.True(Ipv4Header.VerifyChecksum(ip));
        Assert.False(Ipv4Header.DecrementTtl(ip));
        Assert.Equal(1, Ipv4Header.Ttl(ip));
    }

    [Fact]
    public void Ipv4HeaderWriteProducesAValidHeader()
    {
        var ip = new byte[20];
        Assert.Equal(20, Ipv4Header.Write(ip, 0x10, 1480, 7, dontFragment: true, 64, IpProtocol.IpIp, 0xC6120001, 0xC6120002));
        Assert.True(Ipv4Header.VerifyChecksum(ip));
        Assert.True(ReferenceChecksum.Verifies(ip));
        Assert.Equal((4, 20, 1480, 7, true, IpProtocol.IpIp), (Ipv4Header.Version(ip), Ipv4Header.HeaderLength(ip),
            (int)Ipv4Header.TotalLength(ip), (int)Ipv4Header.Identification(ip), Ipv4Header.IsDontFragment(ip), Ipv4Header.Protocol(ip)));
        Assert.Equal(0, Ipv4Header.Write(new byte[19], 0, 0, 0, false, 0, 0, 0, 0));
    }
}
