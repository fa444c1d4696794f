using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.DataPath;

/// <summary>
/// The few Neighbor Discovery (RFC 4861) messages the data path reads and writes: solicitations and advertisements
/// with one link-layer address option, hop limit 255, untagged Ethernet.
/// </summary>
internal static class NdpFrames
{
    public const byte NeighborSolicitation = 135;
    public const byte NeighborAdvertisement = 136;
    public const byte HopLimit = 255;

    /// <summary>Ethernet + IPv6 + 24-byte NS/NA body + one 8-byte link-layer address option.</summary>
    public const int FrameLength = EthernetHeader.Length + Ipv6Header.Length + BodyLength + OptionLength;

    /// <summary>All-nodes multicast ff02::1.</summary>
    public static readonly UInt128 AllNodes = new(0xFF02_0000_0000_0000UL, 1);

    private const int BodyLength = 24;
    private const int OptionLength = 8;
    private const byte SourceLinkLayerOption = 1;
    private const byte TargetLinkLayerOption = 2;
    private const byte SolicitedFlag = 0x40;
    private const byte OverrideFlag = 0x20;

    /// <summary>
    /// Reads a solicitation or advertisement: its target and the link-layer address option (source for NS, target for
    /// NA; <see cref="MacAddress.Zero"/> when absent). False for a message RFC 4861 7.1 says to drop (hop limit not 255,
    /// code not 0, too short, bad checksum, zero-length option, a multicast target).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, in FrameInfo info, out UInt128 target, out MacAddress linkLayerAddress)
    {
        target = UInt128.Zero;
        linkLayerAddress = MacAddress.Zero;
        if (info.Ttl != HopLimit || info.IcmpCode != 0 || info.L4Length < BodyLength || info.L4Offset + info.L4Length > frame.Length)
        {
            return false;
        }

        var icmp = frame.Slice(info.L4Offset, info.L4Length);
        var sum = (ulong)Checksum.Add(icmp) + Checksum.PseudoHeader6(info.SourceAddress6, info.DestinationAddress6, IpProtocol.Icmpv6, icmp.Length);
        if (Checksum.Fold(sum) != 0xFFFF)
        {
            return false;
        }

        target = Ipv6Address.Read(icmp[8..]);
        if (Ipv6Address.IsMulticast(target))
        {
            return false;
        }

        var wanted = icmp[0] == NeighborSolicitation ? SourceLinkLayerOption : TargetLinkLayerOption;
        for (var offset = BodyLength; offset + 2 <= icmp.Length;)
        {
            var length = icmp[offset + 1] * 8;
            if (length == 0 || offset + length > icmp.Length)
            {
                return false;
            }

            if (icmp[offset] == wanted && length >= OptionLength)
            {
                linkLayerAddress = MacAddress.Read(icmp[(offset + 2)..]);
            }

            offset += length;
        }

        return true;
    }

    /// <summary>A solicitation for <paramref name="target"/> to its solicited-node group, from <paramref name="source"/>.</summary>
    public static int WriteSolicitation(Span<byte> frame, MacAddress sourceMac, UInt128 source, UInt128 target)
    {
        var group = Ipv6Address.SolicitedNodeMulticast(target);
        return Write(frame, Ipv6Address.MulticastMac(group), sourceMac, source, group, NeighborSolicitation, 0, target, SourceLinkLayerOption);
    }

    /// <summary>
    /// An advertisement of <paramref name="target"/> at <paramref name="sourceMac"/>: solicited (S and O set) to the
    /// soliciting node, or unsolicited (O set) to all nodes when <paramref name="destination"/> is ff02::1.
    /// </summary>
    public static int WriteAdvertisement(Span<byte> frame, MacAddress destinationMac, MacAddress sourceMac, UInt128 target, UInt128 destination)
    {
        var flags = destination == AllNodes ? OverrideFlag : (byte)(SolicitedFlag | OverrideFlag);
        return Write(frame, destinationMac, sourceMac, target, destination, NeighborAdvertisement, flags, target, TargetLinkLayerOption);
    }

    private static int Write(
        Span<byte> frame, MacAddress destinationMac, MacAddress sourceMac, UInt128 source, UInt128 destination, byte type, byte flags, UInt128 target, byte option)
    {
        if (frame.Length < FrameLength)
        {
            return 0;
        }

        EthernetHeader.Write(frame, destinationMac, sourceMac, EtherType.Ipv6);
        var ip = frame[EthernetHeader.Length..];
        Ipv6Header.Write(ip, 0, 0, BodyLength + OptionLength, IpProtocol.Icmpv6, HopLimit, source, destination);
        var icmp = ip.Slice(Ipv6Header.Length, BodyLength + OptionLength);
        icmp.Clear();
        icmp[0] = type;
        icmp[4] = flags;
        Ipv6Address.Write(icmp[8..], target);
        icmp[BodyLength] = option;
        icmp[BodyLength + 1] = 1;
        sourceMac.Write(icmp[(BodyLength + 2)..]);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Checksum.Transport6(icmp, 2, source, destination, IpProtocol.Icmpv6));
        return FrameLength;
    }
}
