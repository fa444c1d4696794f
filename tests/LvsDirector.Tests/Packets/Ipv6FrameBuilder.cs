using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

/// <summary>Builds IPv6 test frames byte by byte (extension headers included), with checksums from <see cref="ReferenceChecksum"/>.</summary>
internal sealed class Ipv6FrameBuilder
{
    public static readonly UInt128 Client = Ipv6Address.Parse("2001:db8::1");
    public static readonly UInt128 Vip = Ipv6Address.Parse("2001:db8:0:1::80");

    public MacAddress Destination { get; set; } = new(0x02_00_00_00_00_02);

    public MacAddress Source { get; set; } = new(0x02_00_00_00_00_01);

    public ushort? VlanId { get; set; }

    public UInt128 SourceAddress { get; set; } = Client;

    public UInt128 DestinationAddress { get; set; } = Vip;

    public byte HopLimit { get; set; } = 64;

    public byte TrafficClass { get; set; }

    public uint FlowLabel { get; set; } = 0x12345;

    /// <summary>Extension headers in order, before the upper-layer header.</summary>
    public List<Ipv6Extension> Extensions { get; } = [];

    /// <summary>Zero bytes appended after the IP packet (Ethernet padding).</summary>
    public int Padding { get; set; }

    public Ipv6FrameBuilder With(params Ipv6Extension[] extensions)
    {
        Extensions.AddRange(extensions);
        return this;
    }

    public static byte[] Icmpv6Message(byte type, byte code, ushort identifier, ushort sequence, ReadOnlySpan<byte> payload)
    {
        var icmp = new byte[8 + payload.Length];
        icmp[0] = type;
        icmp[1] = code;
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(4), identifier);
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(6), sequence);
        payload.CopyTo(icmp.AsSpan(8));
        return icmp;
    }

    public byte[] Tcp(ushort sourcePort, ushort destinationPort, byte flags, ReadOnlySpan<byte> payload, int optionsLength = 0, uint sequence = 1000, uint ack = 0) =>
        Ipv6(IpProtocol.Tcp, FrameBuilder.TcpSegment(sourcePort, destinationPort, sequence, ack, flags, optionsLength, payload));

    public byte[] Udp(ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload) =>
        Ipv6(IpProtocol.Udp, FrameBuilder.UdpDatagram(sourcePort, destinationPort, payload));

    public byte[] IcmpEcho(ushort identifier, ushort sequence, ReadOnlySpan<byte> payload, byte type = 128) =>
        Ipv6(IpProtocol.Icmpv6, Icmpv6Message(type, 0, identifier, sequence, payload));

    /// <summary>Wraps an upper-layer segment in extension headers, IPv6 and Ethernet; fills the TCP/UDP/ICMPv6 checksum
    /// (computed over the segment as given, also when a fragment header announces only part of it).</summary>
    public byte[] Ipv6(byte protocol, byte[] upper, bool withChecksum = true)
    {
        int l3 = 14 + (VlanId is null ? 0 : 4);
        int extensionsLength = Extensions.Sum(e => e.Length);
        var frame = new byte[l3 + 40 + extensionsLength + upper.Length + Padding];
        var ethernet = new FrameBuilder { Destination = Destination, Source = Source, VlanId = VlanId };
        ethernet.WriteEthernet(frame, EtherType.Ipv6);
        var ip = frame.AsSpan(l3);
        BinaryPrimitives.WriteUInt32BigEndian(ip, (6u << 28) | ((uint)TrafficClass << 20) | FlowLabel);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(extensionsLength + upper.Length));
        ip[6] = Extensions.Count == 0 ? protocol : Extensions[0].Type;
        ip[7] = HopLimit;
        BinaryPrimitives.WriteUInt128BigEndian(ip[8..], SourceAddress);
        BinaryPrimitives.WriteUInt128BigEndian(ip[24..], DestinationAddress);
        int offset = 40;
        for (int i = 0; i < Extensions.Count; i++)
        {
            var e = Extensions[i];
            var header = ip.Slice(offset, e.Length);
            header[0] = i + 1 < Extensions.Count ? Extensions[i + 1].Type : protocol;
            if (e.Type == Ipv6Header.Fragment)
            {
                BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(e.FragmentOffset | (e.More ? 1 : 0)));
                BinaryPrimitives.WriteUInt32BigEndian(header[4..], e.Id);
            }
            else
            {
                header[1] = (byte)((e.Length / 8) - 1);
                header[2] = 1; // PadN over the rest
                header[3] = (byte)(e.Length - 4);
            }

            offset += e.Length;
        }

        upper.CopyTo(ip[offset..]);
        var l4 = ip.Slice(offset, upper.Length);
        int checksumOffset = protocol switch { IpProtocol.Tcp => 16, IpProtocol.Udp => 6, IpProtocol.Icmpv6 => 2, _ => -1 };
        if (checksumOffset >= 0 && withChecksum && l4.Length >= checksumOffset + 2)
        {
            long pseudo = ReferenceChecksum.PseudoHeader6(SourceAddress, DestinationAddress, protocol, upper.Length);
            ushort checksum = (ushort)~ReferenceChecksum.Fold(ReferenceChecksum.Sum(l4) + pseudo);
            if (protocol == IpProtocol.Udp && checksum == 0)
            {
                checksum = 0xFFFF;
            }

            BinaryPrimitives.WriteUInt16BigEndian(l4[checksumOffset..], checksum);
        }

        return frame;
    }
}
