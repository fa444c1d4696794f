using System.Buffers.Binary;

namespace LvsDirector.Packets;

/// <summary>Reads and writes Ethernet/IPv4 ARP (RFC 826, gratuitous ARP per RFC 5227 announcements).</summary>
public static class Arp
{
    /// <summary>Ethernet header plus the 28-byte ARP body, before padding.</summary>
    public const int FrameLength = EthernetHeader.Length + BodyLength;

    /// <summary>Bytes of the ARP body (Ethernet/IPv4).</summary>
    public const int BodyLength = 28;

    private const ushort HardwareEthernet = 1;

    /// <summary>
    /// Reads the ARP body at <paramref name="l3Offset"/> (from <see cref="FrameInfo.L3Offset"/>). False unless it is a
    /// complete Ethernet/IPv4 ARP request or reply.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, int l3Offset, out ArpPacket arp)
    {
        arp = default;
        if (l3Offset < 0 || l3Offset > frame.Length || frame.Length - l3Offset < BodyLength)
        {
            return false;
        }

        var body = frame.Slice(l3Offset, BodyLength);
        ushort operation = BinaryPrimitives.ReadUInt16BigEndian(body[6..]);
        if (BinaryPrimitives.ReadUInt16BigEndian(body) != HardwareEthernet
            || BinaryPrimitives.ReadUInt16BigEndian(body[2..]) != EtherType.Ipv4
            || body[4] != 6
            || body[5] != 4
            || (operation != ArpPacket.RequestOperation && operation != ArpPacket.ReplyOperation))
        {
            return false;
        }

        arp = new ArpPacket(
            operation,
            MacAddress.Read(body[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(body[14..]),
            MacAddress.Read(body[18..]),
            BinaryPrimitives.ReadUInt32BigEndian(body[24..]));
        return true;
    }

    /// <summary>Broadcast "who has <paramref name="targetIp"/>". Returns bytes written (60), or 0 if <paramref name="frame"/> is too small.</summary>
    public static int WriteRequest(Span<byte> frame, MacAddress senderMac, uint senderIp, uint targetIp) =>
        Write(frame, MacAddress.Broadcast, ArpPacket.RequestOperation, senderMac, senderIp, MacAddress.Zero, targetIp);

    /// <summary>Unicast reply to <paramref name="targetMac"/>. Returns bytes written (60), or 0 if <paramref name="frame"/> is too small.</summary>
    public static int WriteReply(Span<byte> frame, MacAddress senderMac, uint senderIp, MacAddress targetMac, uint targetIp) =>
        Write(frame, targetMac, ArpPacket.ReplyOperation, senderMac, senderIp, targetMac, targetIp);

    /// <summary>
    /// Gratuitous ARP: a broadcast request with sender and target address both <paramref name="ip"/> and a zero target
    /// MAC (the RFC 5227 announcement form), so neighbours update their caches. Returns bytes written (60), or 0.
    /// </summary>
    public static int WriteGratuitous(Span<byte> frame, MacAddress mac, uint ip) =>
        Write(frame, MacAddress.Broadcast, ArpPacket.RequestOperation, mac, ip, MacAddress.Zero, ip);

    private static int Write(
        Span<byte> frame, MacAddress ethernetDestination, ushort operation, MacAddress senderMac, uint senderIp, MacAddress targetMac,
        uint targetIp)
    {
        if (frame.Length < EthernetHeader.MinimumFrameLength)
        {
            return 0;
        }

        EthernetHeader.Write(frame, ethernetDestination, senderMac, EtherType.Arp);
        var body = frame.Slice(EthernetHeader.Length, BodyLength);
        BinaryPrimitives.WriteUInt16BigEndian(body, HardwareEthernet);
        BinaryPrimitives.WriteUInt16BigEndian(body[2..], EtherType.Ipv4);
        body[4] = 6;
        body[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(body[6..], operation);
        senderMac.Write(body[8..]);
        BinaryPrimitives.WriteUInt32BigEndian(body[14..], senderIp);
        targetMac.Write(body[18..]);
        BinaryPrimitives.WriteUInt32BigEndian(body[24..], targetIp);
        frame[FrameLength..EthernetHeader.MinimumFrameLength].Clear();
        return EthernetHeader.MinimumFrameLength;
    }
}
