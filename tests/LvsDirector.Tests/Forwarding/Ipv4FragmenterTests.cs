using LvsDirector.Forwarding;
using LvsDirector.Packets;
using LvsDirector.Tests.Packets;

namespace LvsDirector.Tests.Forwarding;

public class Ipv4FragmenterTests
{
    [Theory]
    [InlineData(3000, 1400, 3)]
    [InlineData(1500, 1400, 2)]
    [InlineData(1400, 1400, 1)]
    [InlineData(200, 68, 4)]
    public void Fragments_reassemble_to_the_datagram(int ipLength, int mtu, int expected)
    {
        var payload = new byte[ipLength - 28];
        new Random(ipLength).NextBytes(payload);
        var frame = new FrameBuilder { FlagsAndFragment = 0 }.Udp(1, 2, payload);
        var output = new byte[16384];
        var lengths = new int[16];

        var count = Ipv4Fragmenter.Fragment(frame, 14, mtu, output, lengths);

        Assert.Equal(expected, count);
        var reassembled = new byte[ipLength - 20];
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            var ip = output.AsSpan(offset + 14, lengths[i] - 14);
            Assert.True(Ipv4Header.VerifyChecksum(ip));
            Assert.True(Ipv4Header.TotalLength(ip) <= mtu);
            Assert.Equal(i < count - 1, Ipv4Header.HasMoreFragments(ip));
            Assert.True(frame.AsSpan(0, 14).SequenceEqual(output.AsSpan(offset, 14)));
            var at = Ipv4Header.FragmentOffset(ip);
            Assert.Equal(0, at % 8);
            ip[20..Ipv4Header.TotalLength(ip)].CopyTo(reassembled.AsSpan(at));
            offset += lengths[i];
        }

        Assert.True(frame.AsSpan(34, ipLength - 20).SequenceEqual(reassembled));
    }

    [Fact]
    public void Dont_fragment_or_no_room_is_refused()
    {
        var frame = new FrameBuilder().Udp(1, 2, new byte[1472]); // DF by default
        Assert.Equal(-1, Ipv4Fragmenter.Fragment(frame, 14, 1400, new byte[4096], new int[8]));
        var noDf = new FrameBuilder { FlagsAndFragment = 0 }.Udp(1, 2, new byte[100]);
        Assert.Equal(-1, Ipv4Fragmenter.Fragment(noDf, 14, 27, new byte[4096], new int[32]));
    }
}
