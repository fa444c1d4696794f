using System.Buffers.Binary;
using LvsDirector.HighAvailability;
using LvsDirector.Packets;

namespace LvsDirector.Tests.HighAvailability;

public class VrrpPacketTests
{
    // Captured in our own namespace lab (tcpdump on the peer of a veth) from keepalived 2.2.7, vrrp_instance with
    // virtual_router_id 51, priority 150, advert_int 1, virtual_ipaddress 198.18.5.100, interface address 198.18.5.1;
    // IPv4 header onwards. vrrp_version 2 (with its 8 zero bytes of authentication data) and 3.
    internal const string KeepalivedV2 = "45c0002800010000ff700f7fc6120501e00000122133960100017d53c61205640000000000000000";
    internal const string KeepalivedV3 = "45c0002000010000ff700f87c6120501e0000012313396010064c14dc6120564";

    private const uint Source = 0xC612_0501;  // 198.18.5.1
    private const uint Vip = 0xC612_0564;     // 198.18.5.100

    [Theory]
    [InlineData(KeepalivedV2, VrrpVersion.V2)]
    [InlineData(KeepalivedV3, VrrpVersion.V3)]
    public void Reads_keepalived_adverts(string hex, VrrpVersion version)
    {
        var packet = Convert.FromHexString(hex);

        Assert.Equal(VrrpParseResult.Ok, VrrpPacket.TryReadIpv4(packet, out var advert));

        Assert.Equal(version, advert.Version);
        Assert.Equal(51, advert.VirtualRouterId);
        Assert.Equal(150, advert.Priority);
        Assert.Equal(100, advert.IntervalCentiseconds);
        Assert.Equal(Source, advert.Source);
        Assert.Equal([Vip], advert.Addresses);
    }

    [Theory]
    [InlineData(KeepalivedV2)]
    [InlineData(KeepalivedV3)]
    public void Writes_the_same_message_keepalived_sends(string hex)
    {
        var captured = Convert.FromHexString(hex);
        Assert.Equal(VrrpParseResult.Ok, VrrpPacket.TryReadIpv4(captured, out var advert));

        var written = new byte[128];
        var length = VrrpPacket.WriteIpv4(written, advert, Source, VrrpPacket.MulticastGroup);

        Assert.Equal(captured.Length, length);
        Assert.Equal(captured[20..], written[20..length]);
        Assert.Equal(255, Ipv4Header.Ttl(written));
        Assert.Equal(112, Ipv4Header.Protocol(written));
        Assert.True(Ipv4Header.VerifyChecksum(written));
    }

    [Fact]
    public void V3_checksum_covers_the_pseudo_header_and_v2_does_not()
    {
        var v3 = Convert.FromHexString(KeepalivedV3);
        Ipv4Header.SetDestination(v3, 0xC612_0502);
        Assert.Equal(VrrpParseResult.BadChecksum, VrrpPacket.TryReadIpv4(v3, out _));

        var v2 = Convert.FromHexString(KeepalivedV2);
        Ipv4Header.SetDestination(v2, 0xC612_0502);
        Assert.Equal(VrrpParseResult.Ok, VrrpPacket.TryReadIpv4(v2, out _));
    }

    [Fact]
    public void Hand_built_v3_checksum_matches_the_rfc_definition()
    {
        // Version 3 type 1, VRID 7, priority 200, 2 addresses, interval 35 cs; summed by hand below.
        var advert = new VrrpAdvertisement(VrrpVersion.V3, 7, 200, 35, 0xC612_0001, [0xC612_0064, 0xC612_0065]);
        var message = new byte[64];
        var length = VrrpPacket.WriteMessage(message, advert, 0xC612_0001, VrrpPacket.MulticastGroup);
        Assert.Equal(16, length);

        // Pseudo-header words: source, destination, protocol 112, length 16; then the message words with checksum 0.
        uint sum = 0xC612 + 0x0001 + 0xE000 + 0x0012 + 112 + 16;
        sum += 0x3107 + 0xC802 + 0x0023 + 0xC612 + 0x0064 + 0xC612 + 0x0065;
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        Assert.Equal((ushort)~sum, BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(6)));
        Assert.Equal("3107c8020023", Convert.ToHexStringLower(message, 0, 6));
    }

    [Fact]
    public void Hand_built_v2_checksum_is_over_the_message_only()
    {
        var advert = new VrrpAdvertisement(VrrpVersion.V2, 51, 100, 300, 0xC612_0001, [0xC612_0064]);
        var message = new byte[64];
        var length = VrrpPacket.WriteMessage(message, advert, 0xC612_0001, VrrpPacket.MulticastGroup);
        Assert.Equal(20, length);

        // 0x21 0x33 | 0x64 0x01 | auth 0, interval 3 s | checksum | address | 8 zero bytes.
        uint sum = 0x2133 + 0x6401 + 0x0003 + 0xC612 + 0x0064;
        sum = (sum & 0xFFFF) + (sum >> 16);
        Assert.Equal((ushort)~sum, BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(6)));
        Assert.Equal(3, message[5]);
        Assert.All(message[12..20], b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(VrrpVersion.V2, 200)]
    [InlineData(VrrpVersion.V3, 35)]
    [InlineData(VrrpVersion.V3, 4095)]
    public void Round_trips_several_addresses(VrrpVersion version, ushort interval)
    {
        uint[] vips = [0xC612_0064, 0xC612_0065, 0xC613_0001];
        var advert = new VrrpAdvertisement(version, 200, 1, interval, 0xC612_0002, vips);
        var packet = new byte[128];
        var length = VrrpPacket.WriteIpv4(packet, advert, 0xC612_0002, 0xC612_0003);

        Assert.Equal(VrrpParseResult.Ok, VrrpPacket.TryReadIpv4(packet.AsSpan(0, length), out var read));
        Assert.Equal(advert.Version, read.Version);
        Assert.Equal(advert.VirtualRouterId, read.VirtualRouterId);
        Assert.Equal(advert.Priority, read.Priority);
        Assert.Equal(interval, read.IntervalCentiseconds);
        Assert.Equal(0xC612_0002u, read.Source);
        Assert.Equal(vips, read.Addresses);
    }

    [Fact]
    public void Every_truncated_prefix_is_rejected_without_throwing()
    {
        foreach (var hex in new[] { KeepalivedV2, KeepalivedV3 })
        {
            var packet = Convert.FromHexString(hex);
            for (var n = 0; n < packet.Length; n++)
            {
                Assert.NotEqual(VrrpParseResult.Ok, VrrpPacket.TryReadIpv4(packet.AsSpan(0, n), out _));
            }
        }
    }

    [Theory]
    [InlineData(8, 254, VrrpParseResult.BadTtl)]          // IPv4 TTL
    [InlineData(9, 17, VrrpParseResult.NotVrrp)]          // IPv4 protocol
    [InlineData(20, 0x41, VrrpParseResult.BadVersion)]    // VRRP version 4
    [InlineData(20, 0x32, VrrpParseResult.BadVersion)]    // type 2
    [InlineData(22, 0x97, VrrpParseResult.BadChecksum)]   // priority changed, checksum not
    [InlineData(23, 2, VrrpParseResult.BadLength)]        // two addresses announced, one present
    [InlineData(23, 0, VrrpParseResult.BadLength)]        // no address
    public void Bad_fields_are_named(int offset, byte value, VrrpParseResult expected)
    {
        var packet = Convert.FromHexString(KeepalivedV3);
        packet[offset] = value;
        Assert.Equal(expected, VrrpPacket.TryReadIpv4(packet, out _));
    }

    [Fact]
    public void V2_authentication_other_than_none_is_refused()
    {
        var auth = Convert.FromHexString(KeepalivedV2);
        auth[24] = 1;
        RewriteChecksum(auth, VrrpVersion.V2);
        Assert.Equal(VrrpParseResult.BadAuthentication, VrrpPacket.TryReadIpv4(auth, out _));
    }

    private static void RewriteChecksum(byte[] packet, VrrpVersion version)
    {
        var message = packet.AsSpan(20);
        BinaryPrimitives.WriteUInt16BigEndian(
            message[6..], VrrpPacket.ComputeChecksum(version, message, Ipv4Header.Source(packet), Ipv4Header.Destination(packet)));
    }
}
