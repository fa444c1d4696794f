using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class NeighborDiscoveryTests
{
    private static readonly MacAddress ClientMac = new(0x02_00_00_00_00_01);
    private static readonly MacAddress DirectorMac = new(0x02_00_00_00_00_02);
    private static readonly UInt128 Client = Ipv6FrameBuilder.Client;
    private static readonly UInt128 Vip = Ipv6Address.Parse("2001:db8::abcd:80");

    private static byte[] NeighborMessage(byte type, byte code, byte flags, UInt128 target, params byte[][] options)
    {
        var message = new byte[24 + options.Sum(o => o.Length)];
        message[0] = type;
        message[1] = code;
        message[4] = flags;
        BinaryPrimitives.WriteUInt128BigEndian(message.AsSpan(8), target);
        int offset = 24;
        foreach (var option in options)
        {
            option.CopyTo(message, offset);
            offset += option.Length;
        }

        return message;
    }

    private static byte[] LinkLayerOption(byte type, MacAddress mac)
    {
        var option = new byte[8];
        option[0] = type;
        option[1] = 1;
        mac.Write(option.AsSpan(2));
        return option;
    }

    private static bool ReadSolicitation(byte[] frame, out NeighborSolicitation ns)
    {
        ns = default;
        return FrameParser.Parse(frame, out var info) == ParseResult.Ok && NeighborDiscovery.TryReadSolicitation(frame, info, out ns);
    }

    private static bool ReadAdvertisement(byte[] frame, out NeighborAdvertisement na)
    {
        na = default;
        return FrameParser.Parse(frame, out var info) == ParseResult.Ok && NeighborDiscovery.TryReadAdvertisement(frame, info, out na);
    }

    [Fact]
    public void SolicitationIsWrittenToTheSolicitedNodeGroupAndReadBack()
    {
        var frame = new byte[100];
        int length = NeighborDiscovery.WriteSolicitation(frame, ClientMac, Client, Vip);
        Assert.Equal(NeighborDiscovery.FrameLength, length);
        frame = frame[..length];

        Assert.Equal(MacAddress.Parse("33:33:ff:cd:00:80"), EthernetHeader.Destination(frame));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
        Assert.Equal(Ipv6Address.Parse("ff02::1:ffcd:80"), info.DestinationAddress6);
        Assert.Equal(255, info.Ttl);
        Assert.True(ReferenceChecksum.Verifies(frame.AsSpan(info.L4Offset), ReferenceChecksum.PseudoHeader6(Client, info.DestinationAddress6, 58, info.L4Length)));

        Assert.True(NeighborDiscovery.TryReadSolicitation(frame, info, out var ns));
        Assert.Equal(Vip, ns.TargetAddress);
        Assert.Equal(Client, ns.SourceAddress);
        Assert.True(ns.HasSourceLinkLayerAddress);
        Assert.Equal(ClientMac, ns.SourceLinkLayerAddress);
        Assert.False(ns.IsDuplicateAddressDetection);
        Assert.False(NeighborDiscovery.TryReadAdvertisement(frame, info, out _));
    }

    [Fact]
    public void SolicitedAdvertisementAnswersTheSolicitor()
    {
        var request = new byte[100];
        int length = NeighborDiscovery.WriteSolicitation(request, ClientMac, Client, Vip, vlanId: 42);
        Assert.True(ReadSolicitation(request[..length], out var ns));
        Assert.True(ns.HasVlanTag);

        var reply = new byte[NeighborDiscovery.FrameLength + 4];
        Assert.Equal(0, NeighborDiscovery.WriteSolicitedAdvertisement(reply.AsSpan(0, reply.Length - 1), ns, DirectorMac));
        Assert.Equal(reply.Length, NeighborDiscovery.WriteSolicitedAdvertisement(reply, ns, DirectorMac));

        Assert.Equal(ClientMac, EthernetHeader.Destination(reply));
        Assert.Equal(DirectorMac, EthernetHeader.Source(reply));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(reply, out var info));
        Assert.Equal(42, info.VlanId);
        Assert.Equal(Vip, info.SourceAddress6);
        Assert.Equal(Client, info.DestinationAddress6);
        Assert.True(ReadAdvertisement(reply, out var na));
        Assert.Equal(Vip, na.TargetAddress);
        Assert.True(na.IsSolicited);
        Assert.True(na.IsOverride);
        Assert.False(na.IsRouter);
        Assert.True(na.HasTargetLinkLayerAddress);
        Assert.Equal(DirectorMac, na.TargetLinkLayerAddress);
    }

    [Fact]
    public void SolicitationWithoutOptionIsAnsweredToTheEthernetSource()
    {
        var frame = new Ipv6FrameBuilder { Source = ClientMac, HopLimit = 255, DestinationAddress = Vip }
            .Ipv6(IpProtocol.Icmpv6, NeighborMessage(135, 0, 0, Vip));
        Assert.True(ReadSolicitation(frame, out var ns));
        Assert.False(ns.HasSourceLinkLayerAddress);
        Assert.Equal(ClientMac, ns.ReplyMac);

        var reply = new byte[NeighborDiscovery.FrameLength];
        NeighborDiscovery.WriteSolicitedAdvertisement(reply, ns, DirectorMac);
        Assert.Equal(ClientMac, EthernetHeader.Destination(reply));
    }

    [Fact]
    public void DuplicateAddressDetectionIsAnsweredToAllNodesUnsolicited()
    {
        var group = Ipv6Address.SolicitedNodeMulticast(Vip);
        var frame = new Ipv6FrameBuilder { SourceAddress = 0, DestinationAddress = group, HopLimit = 255 }
            .Ipv6(IpProtocol.Icmpv6, NeighborMessage(135, 0, 0, Vip));
        Assert.True(ReadSolicitation(frame, out var ns));
        Assert.True(ns.IsDuplicateAddressDetection);

        var reply = new byte[NeighborDiscovery.FrameLength];
        NeighborDiscovery.WriteSolicitedAdvertisement(reply, ns, DirectorMac);
        Assert.Equal(MacAddress.Parse("33:33:00:00:00:01"), EthernetHeader.Destination(reply));
        Assert.True(ReadAdvertisement(reply, out var na));
        Assert.Equal(NeighborDiscovery.AllNodes, na.DestinationAddress);
        Assert.False(na.IsSolicited);
        Assert.True(na.IsOverride);

        // DAD to a non-solicited-node destination, or with a source link-layer option, is invalid.
        var unicast = new Ipv6FrameBuilder { SourceAddress = 0, DestinationAddress = Vip, HopLimit = 255 }
            .Ipv6(IpProtocol.Icmpv6, NeighborMessage(135, 0, 0, Vip));
        Assert.False(ReadSolicitation(unicast, out _));
        var withOption = new Ipv6FrameBuilder { SourceAddress = 0, DestinationAddress = group, HopLimit = 255 }
            .Ipv6(IpProtocol.Icmpv6, NeighborMessage(135, 0, 0, Vip, LinkLayerOption(1, ClientMac)));
        Assert.False(ReadSolicitation(withOption, out _));
    }

    [Fact]
    public void UnsolicitedAdvertisementGoesToAllNodesWithOverride()
    {
        var frame = new byte[NeighborDiscovery.FrameLength];
        Assert.Equal(frame.Length, NeighborDiscovery.WriteUnsolicitedAdvertisement(frame, DirectorMac, Vip));
        Assert.Equal(MacAddress.Parse("33:33:00:00:00:01"), EthernetHeader.Destination(frame));
        Assert.True(ReadAdvertisement(frame, out var na));
        Assert.Equal(Vip, na.SourceAddress);
        Assert.Equal(NeighborDiscovery.AllNodes, na.DestinationAddress);
        Assert.Equal(Vip, na.TargetAddress);
        Assert.False(na.IsSolicited);
        Assert.True(na.IsOverride);
        Assert.Equal(DirectorMac, na.TargetLinkLayerAddress);
        Assert.Equal(DirectorMac, na.EthernetSource);
    }

    [Fact]
    public void InvalidMessagesAreRejected()
    {
        var group = Ipv6Address.SolicitedNodeMulticast(Vip);
        byte[] Ns(byte hopLimit = 255, byte code = 0, UInt128? target = null, params byte[][] options) =>
            new Ipv6FrameBuilder { DestinationAddress = group, HopLimit = hopLimit }.Ipv6(IpProtocol.Icmpv6, NeighborMessage(135, code, 0, target ?? Vip, options));

        Assert.True(ReadSolicitation(Ns(), out _));
        Assert.False(ReadSolicitation(Ns(hopLimit: 254), out _));
        Assert.False(ReadSolicitation(Ns(code: 1), out _));
        Assert.False(ReadSolicitation(Ns(target: group), out _));
        Assert.False(ReadSolicitation(Ns(options: [[1, 0, 0, 0, 0, 0, 0, 0]]), out _));
        Assert.False(ReadSolicitation(Ns(options: [[1, 2, 0, 0, 0, 0, 0, 0]]), out _));
        Assert.True(ReadSolicitation(Ns(options: [[14, 1, 0, 0, 0, 0, 0, 0], LinkLayerOption(1, ClientMac)]), out var unknownFirst));
        Assert.Equal(ClientMac, unknownFirst.SourceLinkLayerAddress);

        var badChecksum = Ns();
        badChecksum[^1] ^= 1;
        Assert.False(ReadSolicitation(badChecksum, out _));

        var shortMessage = new Ipv6FrameBuilder { DestinationAddress = group, HopLimit = 255 }.Ipv6(IpProtocol.Icmpv6, NeighborMessage(135, 0, 0, Vip)[..20]);
        Assert.False(ReadSolicitation(shortMessage, out _));

        var solicitedToMulticast = new Ipv6FrameBuilder { DestinationAddress = NeighborDiscovery.AllNodes, HopLimit = 255 }
            .Ipv6(IpProtocol.Icmpv6, NeighborMessage(136, 0, NeighborDiscovery.SolicitedFlag, Vip));
        Assert.False(ReadAdvertisement(solicitedToMulticast, out _));
        var na = new Ipv6FrameBuilder { DestinationAddress = NeighborDiscovery.AllNodes, HopLimit = 255 }
            .Ipv6(IpProtocol.Icmpv6, NeighborMessage(136, 0, NeighborDiscovery.OverrideFlag | NeighborDiscovery.RouterFlag, Vip));
        Assert.True(ReadAdvertisement(na, out var router));
        Assert.True(router.IsRouter);
        Assert.False(router.HasTargetLinkLayerAddress);
    }
}
