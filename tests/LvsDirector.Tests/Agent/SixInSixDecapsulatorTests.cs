using System.Buffers.Binary;
using System.Net;
using LvsDirector.Agent;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Agent;

public sealed class SixInSixDecapsulatorTests
{
    private static readonly UInt128 Vip = Ipv6Address.Parse("2001:db8::100");
    private static readonly HashSet<UInt128> Vips = [Vip];

    [Fact]
    public void InnerPacketForTheVipIsKeptWhole()
    {
        var packet = Inner(Vip, payload: 20);

        Assert.Equal(60, SixInSixDecapsulator.InnerLength(packet, Vips));
    }

    [Fact]
    public void BytesPastThePayloadLengthAreCut()
    {
        var packet = Inner(Vip, payload: 8);
        var padded = packet.Concat(new byte[12]).ToArray();

        Assert.Equal(48, SixInSixDecapsulator.InnerLength(padded, Vips));
    }

    [Fact]
    public void PacketForAnotherAddressIsDropped()
    {
        var packet = Inner(Ipv6Address.Parse("2001:db8::101"), payload: 8);

        Assert.Equal(0, SixInSixDecapsulator.InnerLength(packet, Vips));
    }

    [Fact]
    public void InnerIpv4PacketIsDropped()
    {
        var packet = Inner(Vip, payload: 8);
        packet[0] = 0x45;

        Assert.Equal(0, SixInSixDecapsulator.InnerLength(packet, Vips));
    }

    [Fact]
    public void EveryTruncationIsDropped()
    {
        var packet = Inner(Vip, payload: 20);
        for (var length = 0; length < packet.Length; length++)
        {
            Assert.Equal(0, SixInSixDecapsulator.InnerLength(packet.AsSpan(0, length), Vips));
        }
    }

    [Fact]
    public void RunnerDecapsulatesOnlyForItsIpv6Vips()
    {
        var command = AgentCommand.Parse(["run", "--vip", "198.18.0.100", "--vip", "2001:db8::100"]);
        var runner = new AgentRunner(command, tun: null!);

        Assert.True(runner.HasIpv4);
        Assert.True(runner.HasIpv6);
        Assert.Equal(48, runner.InnerPacket6(Inner(Vip, payload: 8)).Length);
        Assert.True(runner.InnerPacket6(Inner(Ipv6Address.Parse("2001:db8::2"), payload: 8)).IsEmpty);
    }

    /// <summary>An inner IPv6/UDP packet from 2001:db8::2 to <paramref name="destination"/> with a zero-filled payload.</summary>
    private static byte[] Inner(UInt128 destination, int payload)
    {
        var packet = new byte[40 + payload];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)payload);
        packet[6] = IpProtocol.Udp;
        packet[7] = 64;
        Ipv6Address.Write(packet.AsSpan(8), Ipv6Address.FromIPAddress(IPAddress.Parse("2001:db8::2")));
        Ipv6Address.Write(packet.AsSpan(24), destination);
        return packet;
    }
}
