using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

/// <summary>Builds test frames byte by byte, with checksums from <see cref="ReferenceChecksum"/>.</summary>
internal sealed class FrameBuilder
{
    public MacAddress Destination { get; set; } = new(0x02_00_00_00_00_02);

    public MacAddress Source { get; set; } = new(0x02_00_00_00_00_01);

    public ushort? VlanId { get; set; }

    public uint SourceAddress { get; set; } = 0xC612_0001; // 198.18.0.1

    public uint DestinationAddress { get; set; } = 0xC612_0002;

    public byte Ttl { get; set; } = 64;

    public ushort Identification { get; set; } = 0x1234;

    public ushort FlagsAndFragment { get; set; } = Ipv4Header.DontFragment;

    /// <summary>IP option bytes (multiple of 4); NOPs by default.</summary>
    public int IpOptionsLength { get; set; }

    /// <summary>Zero bytes appended after the IP packet (Ethernet padding).</summary>
    public int Padding { get; set; }

    public static byte[] TcpSegment(ushort sourcePort, ushort destinationPort, uint sequence, uint ack, byte flags, int optionsLength, ReadOnlySpan<byte> payload)
    {
        var tcp = new byte[20 + optionsLength + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(4), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(8), ack);
        tcp[12] = (byte)((5 + (optionsLength / 4)) << 4);
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(14), 64240);
        for (int i = 0; i < optionsLength; i++)
        {
            tcp[20 + i] = 1; // NOP
        }

        payload.CopyTo(tcp.AsSpan(20 + optionsLength));
        return tcp;
    }

    public static byte[] UdpDatagram(ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload)
    {
        var udp = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        payload.CopyTo(udp.AsSpan(8));
        return udp;
    }

    public static byte[] IcmpMessage(byte type, byte code, ushort identifier, ushort sequence, ReadOnlySpan<byte> payload)
    {
        var icmp = new byte[8 + payload.Length];
        icmp[0] = type;
        icmp[1] = code;
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(4), identifier);
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(6), sequence);
        payload.CopyTo(icmp.AsSpan(8));
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(2), ReferenceChecksum.Compute(icmp));
        return icmp;
    }

    public byte[] Tcp(ushort sourcePort, ushort destinationPort, byte flags, ReadOnlySpan<byte> payload, int optionsLength = 0, uint sequence = 1000, uint ack = 0) =>
        Ipv4(IpProtocol.Tcp, TcpSegment(sourcePort, destinationPort, sequence, ack, flags, optionsLength, payload));

    public byte[] Udp(ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload, bool withoutChecksum = false) =>
        Ipv4(IpProtocol.Udp, UdpDatagram(sourcePort, destinationPort, payload), withoutChecksum);

    public byte[] IcmpEcho(ushort identifier, ushort sequence, ReadOnlySpan<byte> payload, byte type = Icmp.EchoRequestType) =>
        Ipv4(IpProtocol.Icmp, IcmpMessage(type, 0, identifier, sequence, payload));

    /// <summary>Wraps a transport segment in IPv4 + Ethernet; fills the TCP/UDP checksum (ICMP comes complete).</summary>
    public byte[] Ipv4(byte protocol, byte[] transport, bool withoutTransportChecksum = false)
    {
        int l3 = 14 + (VlanId is null ? 0 : 4);
        int ipHeaderLength = 20 + IpOptionsLength;
        var frame = new byte[l3 + ipHeaderLength + transport.Length + Padding];
        WriteEthernet(frame, EtherType.Ipv4);
        var ip = frame.AsSpan(l3);
        ip[0] = (byte)(0x40 | (ipHeaderLength / 4));
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(ipHeaderLength + transport.Length));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], Identification);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], FlagsAndFragment);
        ip[8] = Ttl;
        ip[9] = protocol;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], SourceAddress);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], DestinationAddress);
        for (int i = 0; i < IpOptionsLength; i++)
        {
            ip[20 + i] = 1; // NOP
        }

        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], ReferenceChecksum.Compute(ip[..ipHeaderLength]));
        transport.CopyTo(ip[ipHeaderLength..]);
        var l4 = ip.Slice(ipHeaderLength, transport.Length);
        int checksumOffset = protocol switch { IpProtocol.Tcp => 16, IpProtocol.Udp => 6, _ => -1 };
        if (checksumOffset >= 0 && !withoutTransportChecksum)
        {
            long pseudo = ReferenceChecksum.PseudoHeader(SourceAddress, DestinationAddress, protocol, transport.Length);
            ushort checksum = (ushort)~ReferenceChecksum.Fold(ReferenceChecksum.Sum(l4) + pseudo);
            if (protocol == IpProtocol.Udp && checksum == 0)
            {
                checksum = 0xFFFF;
            }

            BinaryPrimitives.WriteUInt16BigEndian(l4[checksumOffset..], checksum);
        }

        return frame;
    }

    public void WriteEthernet(Span<byte> frame, ushort etherType)
    {
        Destination.Write(frame);
        Source.Write(frame[6..]);
        if (VlanId is { } vlan)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame[12..], EtherType.Vlan);
            BinaryPrimitives.WriteUInt16BigEndian(frame[14..], vlan);
            BinaryPrimitives.WriteUInt16BigEndian(frame[16..], etherType);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame[12..], etherType);
        }
    }

    public static byte[] RandomPayload(Random random, int length)
    {
        var payload = new byte[length];
        random.NextBytes(payload);
        return payload;
    }
}
