using System.Buffers.Binary;

namespace LvsDirector.Packets;

/// <summary>
/// IPv6 Neighbor Discovery (RFC 4861) for Ethernet, the IPv6 counterpart of <see cref="Arp"/>: reading solicitations
/// and advertisements with the validity checks of RFC 4861 7.1, and writing complete frames (Ethernet, optional
/// 802.1Q tag, IPv6, ICMPv6 with checksum) into a caller buffer without allocating. Builders return the frame length,
/// or 0 when the buffer is too small.
/// </summary>
public static class NeighborDiscovery
{
    public const byte RouterSolicitationType = 133;
    public const byte RouterAdvertisementType = 134;
    public const byte NeighborSolicitationType = 135;
    public const byte NeighborAdvertisementType = 136;
    public const byte RedirectType = 137;

    public const byte SourceLinkLayerAddressOption = 1;
    public const byte TargetLinkLayerAddressOption = 2;

    /// <summary>ND messages must arrive with hop limit 255 (they cannot have been forwarded) and are sent with it.</summary>
    public const byte HopLimit = 255;

    public const byte RouterFlag = 0x80;
    public const byte SolicitedFlag = 0x40;
    public const byte OverrideFlag = 0x20;

    /// <summary>ICMPv6 header, reserved/flags word and target address.</summary>
    public const int MessageLength = 24;

    /// <summary>A link-layer address option for Ethernet: type, length 1 (8 bytes), six-byte MAC.</summary>
    public const int LinkLayerOptionLength = 8;

    /// <summary>Length of every frame this class writes without a VLAN tag (86 bytes; 90 with one).</summary>
    public const int FrameLength = EthernetHeader.Length + Ipv6Header.Length + MessageLength + LinkLayerOptionLength;

    /// <summary>ff02::1.</summary>
    public static readonly UInt128 AllNodes = new(0xFF02_0000_0000_0000UL, 1UL);

    /// <summary>
    /// Reads a Neighbor Solicitation from a frame parsed <see cref="ParseResult.Ok"/>. False unless it is valid per
    /// RFC 4861 7.1.1: hop limit 255, ICMPv6 code 0, checksum correct, at least 24 bytes, target not multicast, no
    /// option of length 0, and when the source is :: the destination a solicited-node group and no source link-layer option.
    /// </summary>
    public static bool TryReadSolicitation(ReadOnlySpan<byte> frame, in FrameInfo info, out NeighborSolicitation solicitation)
    {
        solicitation = default;
        if (!IsValidMessage(frame, in info, NeighborSolicitationType))
        {
            return false;
        }

        var message = frame.Slice(info.L4Offset, info.L4Length);
        UInt128 target = Ipv6Address.Read(message[8..]);
        if (Ipv6Address.IsMulticast(target) || !TryReadLinkLayerOption(message[MessageLength..], SourceLinkLayerAddressOption, out bool hasOption, out MacAddress mac))
        {
            return false;
        }

        if (info.SourceAddress6 == UInt128.Zero
            && (hasOption || info.DestinationAddress6 != Ipv6Address.SolicitedNodeMulticast(info.DestinationAddress6)))
        {
            return false;
        }

        solicitation.SourceAddress = info.SourceAddress6;
        solicitation.DestinationAddress = info.DestinationAddress6;
        solicitation.TargetAddress = target;
        solicitation.HasSourceLinkLayerAddress = hasOption;
        solicitation.SourceLinkLayerAddress = mac;
        solicitation.EthernetSource = EthernetHeader.Source(frame);
        solicitation.HasVlanTag = info.HasVlanTag;
        solicitation.VlanId = info.VlanId;
        return true;
    }

    /// <summary>
    /// Reads a Neighbor Advertisement from a frame parsed <see cref="ParseResult.Ok"/>. False unless it is valid per
    /// RFC 4861 7.1.2: hop limit 255, code 0, checksum, at least 24 bytes, target not multicast, the solicited flag clear
    /// when sent to a multicast group, no option of length 0.
    /// </summary>
    public static bool TryReadAdvertisement(ReadOnlySpan<byte> frame, in FrameInfo info, out NeighborAdvertisement advertisement)
    {
        advertisement = default;
        if (!IsValidMessage(frame, in info, NeighborAdvertisementType))
        {
            return false;
        }

        var message = frame.Slice(info.L4Offset, info.L4Length);
        byte flags = message[4];
        UInt128 target = Ipv6Address.Read(message[8..]);
        if (Ipv6Address.IsMulticast(target) || ((flags & SolicitedFlag) != 0 && Ipv6Address.IsMulticast(info.DestinationAddress6))
            || !TryReadLinkLayerOption(message[MessageLength..], TargetLinkLayerAddressOption, out bool hasOption, out MacAddress mac))
        {
            return false;
        }

        advertisement.SourceAddress = info.SourceAddress6;
        advertisement.DestinationAddress = info.DestinationAddress6;
        advertisement.TargetAddress = target;
        advertisement.IsRouter = (flags & RouterFlag) != 0;
        advertisement.IsSolicited = (flags & SolicitedFlag) != 0;
        advertisement.IsOverride = (flags & OverrideFlag) != 0;
        advertisement.HasTargetLinkLayerAddress = hasOption;
        advertisement.TargetLinkLayerAddress = mac;
        advertisement.EthernetSource = EthernetHeader.Source(frame);
        return true;
    }

    /// <summary>
    /// The answer to a solicitation for one of our addresses (<see cref="NeighborSolicitation.TargetAddress"/>, also the
    /// IPv6 source): flags Solicited and Override with a target link-layer option of <paramref name="ourMac"/>, unicast
    /// to the solicitor (its link-layer option, else its Ethernet source), VLAN tag kept. For duplicate address detection
    /// (source ::) it goes to all nodes (ff02::1) with the Solicited flag clear, as RFC 4861 7.2.4 requires.
    /// </summary>
    public static int WriteSolicitedAdvertisement(Span<byte> destination, in NeighborSolicitation solicitation, MacAddress ourMac)
    {
        bool toAll = solicitation.IsDuplicateAddressDetection;
        UInt128 ipDestination = toAll ? AllNodes : solicitation.SourceAddress;
        MacAddress macDestination = toAll ? Ipv6Address.MulticastMac(AllNodes) : solicitation.ReplyMac;
        byte flags = toAll ? OverrideFlag : (byte)(SolicitedFlag | OverrideFlag);
        return Write(
            destination, macDestination, ourMac, solicitation.HasVlanTag ? solicitation.VlanId : -1, NeighborAdvertisementType, flags,
            solicitation.TargetAddress, ipDestination, solicitation.TargetAddress, TargetLinkLayerAddressOption);
    }

    /// <summary>
    /// An unsolicited advertisement of <paramref name="target"/> at <paramref name="ourMac"/> to all nodes with the
    /// Override flag (RFC 4861 7.2.6): what the director sends when it takes over a VIP, like gratuitous ARP.
    /// <paramref name="vlanId"/> -1 writes no tag.
    /// </summary>
    public static int WriteUnsolicitedAdvertisement(Span<byte> destination, MacAddress ourMac, UInt128 target, int vlanId = -1) =>
        Write(destination, Ipv6Address.MulticastMac(AllNodes), ourMac, vlanId, NeighborAdvertisementType, OverrideFlag, target, AllNodes, target,
            TargetLinkLayerAddressOption);

    /// <summary>
    /// A solicitation to resolve <paramref name="target"/>: to its solicited-node group (and that group's multicast
    /// MAC), from <paramref name="source"/> (one of our addresses on the link), with our source link-layer option.
    /// <paramref name="vlanId"/> -1 writes no tag.
    /// </summary>
    public static int WriteSolicitation(Span<byte> destination, MacAddress ourMac, UInt128 source, UInt128 target, int vlanId = -1)
    {
        UInt128 group = Ipv6Address.SolicitedNodeMulticast(target);
        return Write(destination, Ipv6Address.MulticastMac(group), ourMac, vlanId, NeighborSolicitationType, 0, source, group, target,
            SourceLinkLayerAddressOption);
    }

    private static bool IsValidMessage(ReadOnlySpan<byte> frame, in FrameInfo info, byte type) =>
        info.IsIpv6 && info.Protocol == IpProtocol.Icmpv6 && info.HasTransportHeader && !info.IsFragment
        && info.IcmpType == type && info.IcmpCode == 0 && info.Ttl == HopLimit && info.L4Length >= MessageLength
        && TransportChecksum.Verify(frame, in info);

    // Walks every option: a zero length invalidates the message (RFC 4861 4.6). Returns the first option of the wanted type.
    private static bool TryReadLinkLayerOption(ReadOnlySpan<byte> options, byte wanted, out bool found, out MacAddress mac)
    {
        found = false;
        mac = default;
        while (options.Length > 0)
        {
            if (options.Length < 2)
            {
                return false;
            }

            int length = options[1] * 8;
            if (length == 0 || length > options.Length)
            {
                return false;
            }

            if (options[0] == wanted && !found && length >= LinkLayerOptionLength)
            {
                found = true;
                mac = MacAddress.Read(options[2..]);
            }

            options = options[length..];
        }

        return true;
    }

    private static int Write(
        Span<byte> frame, MacAddress ethernetDestination, MacAddress ourMac, int vlanId, byte type, byte flags, UInt128 source,
        UInt128 ipDestination, UInt128 target, byte optionType)
    {
        int l3 = EthernetHeader.Length + (vlanId >= 0 ? EthernetHeader.VlanTagLength : 0);
        int length = l3 + Ipv6Header.Length + MessageLength + LinkLayerOptionLength;
        if (frame.Length < length)
        {
            return 0;
        }

        ethernetDestination.Write(frame);
        ourMac.Write(frame[6..]);
        if (vlanId >= 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame[12..], EtherType.Vlan);
            BinaryPrimitives.WriteUInt16BigEndian(frame[14..], (ushort)(vlanId & 0x0FFF));
        }

        BinaryPrimitives.WriteUInt16BigEndian(frame[(l3 - 2)..], EtherType.Ipv6);
        Ipv6Header.Write(frame[l3..], 0, 0, MessageLength + LinkLayerOptionLength, IpProtocol.Icmpv6, HopLimit, source, ipDestination);

        var message = frame.Slice(l3 + Ipv6Header.Length, MessageLength + LinkLayerOptionLength);
        message.Clear();
        message[0] = type;
        message[4] = flags;
        Ipv6Address.Write(message[8..], target);
        message[MessageLength] = optionType;
        message[MessageLength + 1] = 1;
        ourMac.Write(message[(MessageLength + 2)..]);
        Icmp.SetChecksum(message, Checksum.Transport6(message, 2, source, ipDestination, IpProtocol.Icmpv6));
        return length;
    }
}
