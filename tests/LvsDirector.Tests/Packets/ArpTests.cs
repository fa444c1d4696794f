using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class ArpTests
{
    private static readonly MacAddress Ours = MacAddress.Parse("02:00:00:00:0a:01");
    private static readonly MacAddress Theirs = MacAddress.Parse("02:00:00:00:0a:02");

    [Fact]
    public void RequestRoundTrips()
    {
        var frame = new byte[80];
        Assert.Equal(60, Arp.WriteRequest(frame, Ours, 0xC6120001, 0xC6120002));

        Assert.Equal(MacAddress.Broadcast, EthernetHeader.Destination(frame));
        Assert.Equal(Ours, EthernetHeader.Source(frame));
        Assert.Equal(ParseResult.Arp, FrameParser.Parse(frame.AsSpan(0, 60), out var info));
        Assert.True(Arp.TryRead(frame, info.L3Offset, out var arp));
        Assert.Equal(new ArpPacket(ArpPacket.RequestOperation, Ours, 0xC6120001, MacAddress.Zero, 0xC6120002), arp);
        Assert.True(arp.IsRequest);
        Assert.False(arp.IsGratuitous);
        Assert.All(frame[42..60], b => Assert.Equal(0, b));
    }

    [Fact]
    public void ReplyRoundTrips()
    {
        var frame = new byte[60];
        Array.Fill(frame, (byte)0xEE);
        Assert.Equal(60, Arp.WriteReply(frame, Ours, 0xC6120001, Theirs, 0xC6120002));

        Assert.Equal(Theirs, EthernetHeader.Destination(frame));
        Assert.True(Arp.TryRead(frame, 14, out var arp));
        Assert.Equal(new ArpPacket(ArpPacket.ReplyOperation, Ours, 0xC6120001, Theirs, 0xC6120002), arp);
        Assert.True(arp.IsReply);
        Assert.All(frame[42..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void GratuitousAnnouncesOwnAddress()
    {
        var frame = new byte[60];
        Assert.Equal(60, Arp.WriteGratuitous(frame, Ours, 0xC612000A));

        Assert.Equal(MacAddress.Broadcast, EthernetHeader.Destination(frame));
        Assert.True(Arp.TryRead(frame, 14, out var arp));
        Assert.True(arp.IsRequest);
        Assert.True(arp.IsGratuitous);
        Assert.Equal(0xC612000Au, arp.SenderAddress);
        Assert.Equal(0xC612000Au, arp.TargetAddress);
        Assert.Equal(Ours, arp.SenderMac);
    }

    [Fact]
    public void WritersRefuseSmallBuffers()
    {
        var small = new byte[59];
        Assert.Equal(0, Arp.WriteRequest(small, Ours, 1, 2));
        Assert.Equal(0, Arp.WriteReply(small, Ours, 1, Theirs, 2));
        Assert.Equal(0, Arp.WriteGratuitous(small, Ours, 1));
        Assert.All(small, b => Assert.Equal(0, b));
    }

    [Fact]
    public void TryReadRejectsOtherArpFlavoursAndBadOffsets()
    {
        var frame = new byte[60];
        Arp.WriteRequest(frame, Ours, 1, 2);
        Assert.False(Arp.TryRead(frame, -1, out _));
        Assert.False(Arp.TryRead(frame, 61, out _));
        Assert.False(Arp.TryRead(frame.AsSpan(0, 41), 14, out _));

        foreach (var (offset, value) in new[] { (14, 6), (16, 0x86), (18, 8), (19, 16), (21, 3) })
        {
            var bad = (byte[])frame.Clone();
            bad[offset + (offset == 14 || offset == 16 ? 1 : 0)] = (byte)value;
            if (offset == 16)
            {
                BinaryPrimitives.WriteUInt16BigEndian(bad.AsSpan(16), EtherType.Ipv6);
            }

            Assert.False(Arp.TryRead(bad, 14, out _), $"byte {offset}");
        }
    }
}
