using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LvsDirector.Packets;

/// <summary>
/// The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
/// A running "sum" is a ones'-complement accumulator of big-endian 16-bit words kept in a wider integer; it is only
/// meaningful modulo 0xFFFF, so sums of separately summed spans can simply be added as long as every span starts at an
/// even offset of the checksummed data. <see cref="Fold(ulong)"/> reduces a sum to 16 bits; <see cref="Finish"/> also
/// complements it, which yields the value to store in a checksum field.
/// </summary>
public static class Checksum
{
    /// <summary>
    /// Adds <paramref name="data"/> (treated as starting at an even offset; an odd last byte is padded with a zero) to
    /// <paramref name="sum"/>. The bulk is summed eight bytes at a time in native byte order, which RFC 1071 shows is
    /// equivalent up to a final byte swap.
    /// </summary>
    public static uint Add(ReadOnlySpan<byte> data, uint sum = 0)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint i = 0;

        // Two 32-bit halves per 8-byte read into a 64-bit accumulator: no carry handling needed below 2^32 additions.
        ulong acc0 = 0;
        ulong acc1 = 0;
        while (length - i >= 32)
        {
            ulong a = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i));
            ulong b = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i + 8));
            ulong c = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i + 16));
            ulong d = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i + 24));
            acc0 += (uint)a + (a >> 32) + (uint)b + (b >> 32);
            acc1 += (uint)c + (c >> 32) + (uint)d + (d >> 32);
            i += 32;
        }

        while (length - i >= 8)
        {
            ulong a = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i));
            acc0 += (uint)a + (a >> 32);
            i += 8;
        }

        if (length - i >= 4)
        {
            acc0 += Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, i));
            i += 4;
        }

        if (length - i >= 2)
        {
            acc0 += Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref start, i));
            i += 2;
        }

        ushort folded = Fold(acc0 + acc1);
        if (BitConverter.IsLittleEndian)
        {
            folded = BinaryPrimitives.ReverseEndianness(folded);
        }

        ulong total = (ulong)sum + folded;
        if (i < length)
        {
            total += (uint)Unsafe.Add(ref start, i) << 8;
        }

        return Reduce(total);
    }

    /// <summary>Adds one big-endian 16-bit word (host-order value) to a sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Add16(uint sum, ushort value) => Reduce((ulong)sum + value);

    /// <summary>Adds a 32-bit value (host order, e.g. an IPv4 address) as two 16-bit words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Add32(uint sum, uint value) => Reduce((ulong)sum + (value >> 16) + (value & 0xFFFF));

    /// <summary>Folds a ones'-complement sum to 16 bits (not complemented). The result is 0 only for an all-zero sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Fold(ulong sum)
    {
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        return Fold((uint)sum);
    }

    /// <inheritdoc cref="Fold(ulong)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Fold(uint sum)
    {
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }

    /// <summary>Folds and complements: the value to write into a checksum field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Finish(uint sum) => (ushort)~Fold(sum);

    /// <summary>
    /// The IPv4 header checksum over the IHL*4 bytes at the start of <paramref name="ipHeader"/> (the span may run on
    /// into the payload), with the checksum field counted as zero. Returns 0 when the span is shorter than IHL*4 or 20.
    /// </summary>
    public static ushort Ipv4Header(ReadOnlySpan<byte> ipHeader)
    {
        if (ipHeader.Length < Packets.Ipv4Header.MinLength)
        {
            return 0;
        }

        int length = (ipHeader[0] & 0x0F) << 2;
        if (length < Packets.Ipv4Header.MinLength || length > ipHeader.Length)
        {
            return 0;
        }

        ipHeader = ipHeader[..length];
        ushort stored = BinaryPrimitives.ReadUInt16BigEndian(ipHeader[10..]);

        // Adding the complement of the stored value subtracts it, the same as summing with the field zeroed.
        return Finish(Add16(Add(ipHeader), (ushort)~stored));
    }

    /// <summary>
    /// The sum of the TCP/UDP pseudo-header (source, destination, protocol, transport length), not folded or complemented.
    /// This is what Linux leaves (folded, not complemented) in the checksum field of a CHECKSUM_PARTIAL packet.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint PseudoHeader(uint source, uint destination, byte protocol, int transportLength) =>
        (source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF) + protocol + (uint)transportLength;

    /// <summary>
    /// The sum of the IPv6 pseudo-header (RFC 8200 8.1: source, destination, upper-layer length, next header), not
    /// folded or complemented — for TCP, UDP and ICMPv6 alike. Folded, it is what Linux leaves in the checksum field of
    /// a CHECKSUM_PARTIAL packet. <paramref name="upperLayerLength"/> may exceed 65535 (BIG TCP).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint PseudoHeader6(UInt128 source, UInt128 destination, byte nextHeader, int upperLayerLength) =>
        Reduce(AddressWords(source) + AddressWords(destination) + nextHeader + (uint)upperLayerLength);

    /// <summary>
    /// The transport checksum of an IPv6 upper-layer segment (TCP, UDP or ICMPv6: all include the pseudo-header), with
    /// the stored field at <paramref name="checksumOffset"/> counted as zero. A UDP result of 0 is returned as 0xFFFF
    /// (RFC 8200 8.1: a zero UDP checksum is invalid over IPv6, so 0 must never be sent).
    /// </summary>
    public static ushort Transport6(ReadOnlySpan<byte> segment, int checksumOffset, UInt128 source, UInt128 destination, byte nextHeader)
    {
        ushort stored = BinaryPrimitives.ReadUInt16BigEndian(segment[checksumOffset..]);
        uint sum = Add16(Add(segment), (ushort)~stored);
        ushort result = Finish(Reduce((ulong)sum + PseudoHeader6(source, destination, nextHeader, segment.Length)));
        return nextHeader == IpProtocol.Udp && result == 0 ? (ushort)0xFFFF : result;
    }

    /// <summary>RFC 1624 eqn. 3 for a 128-bit field (an IPv6 address) treated as eight 16-bit words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Update128(ushort checksum, UInt128 oldValue, UInt128 newValue) =>
        (ushort)~Fold((ulong)(ushort)~checksum + AddressWords(~oldValue) + AddressWords(newValue));

    /// <summary>RFC 1624 eqn. 3 for an IPv6 address and a port changing together.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Update144(ushort checksum, UInt128 oldAddress, UInt128 newAddress, ushort oldPort, ushort newPort) =>
        (ushort)~Fold((ulong)(ushort)~checksum + AddressWords(~oldAddress) + AddressWords(newAddress) + (ushort)~oldPort + newPort);

    /// <summary>
    /// The full transport checksum of an IPv4 packet (starting at the IP header; trailing Ethernet padding is ignored
    /// because the IP total length is used): TCP and UDP include the pseudo-header, ICMP does not. The stored checksum
    /// field counts as zero. A UDP result of 0 is returned as 0xFFFF (0 means "no checksum" on the wire).
    /// Returns 0 when the packet is malformed, not TCP/UDP/ICMP, a fragment, or the transport header does not fit.
    /// </summary>
    public static ushort Transport(ReadOnlySpan<byte> ipv4Packet)
    {
        if (!TryLocateTransport(ipv4Packet, out var protocol, out var headerLength, out var transportLength, out var checksumOffset))
        {
            return 0;
        }

        var segment = ipv4Packet.Slice(headerLength, transportLength);
        ushort stored = BinaryPrimitives.ReadUInt16BigEndian(segment[checksumOffset..]);
        uint sum = Add16(Add(segment), (ushort)~stored);
        if (protocol != IpProtocol.Icmp)
        {
            sum = Reduce((ulong)sum + PseudoHeader(
                BinaryPrimitives.ReadUInt32BigEndian(ipv4Packet[12..]),
                BinaryPrimitives.ReadUInt32BigEndian(ipv4Packet[16..]),
                protocol,
                transportLength));
        }

        ushort result = Finish(sum);
        return protocol == IpProtocol.Udp && result == 0 ? (ushort)0xFFFF : result;
    }

    /// <summary>
    /// RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') for one 16-bit field changing from <paramref name="oldValue"/> to
    /// <paramref name="newValue"/>. Unlike eqn. 2 it never turns a correct 0x0000 into 0xFFFF.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Update16(ushort checksum, ushort oldValue, ushort newValue) =>
        (ushort)~Fold((uint)(ushort)~checksum + (ushort)~oldValue + newValue);

    /// <summary>RFC 1624 eqn. 3 for a 32-bit field (an IPv4 address) treated as two 16-bit words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Update32(ushort checksum, uint oldValue, uint newValue) =>
        (ushort)~Fold((uint)(ushort)~checksum
            + (ushort)~(oldValue >> 16) + (ushort)~oldValue
            + (newValue >> 16) + (newValue & 0xFFFF));

    /// <summary>RFC 1624 eqn. 3 for an address and a port changing together (one fold instead of two).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Update48(ushort checksum, uint oldAddress, uint newAddress, ushort oldPort, ushort newPort) =>
        (ushort)~Fold((uint)(ushort)~checksum
            + (ushort)~(oldAddress >> 16) + (ushort)~oldAddress
            + (newAddress >> 16) + (newAddress & 0xFFFF)
            + (ushort)~oldPort + newPort);

    /// <summary>
    /// Finds the transport segment of an IPv4 packet for checksumming: header length, IP payload length bounded by the
    /// bytes present, and the offset of the checksum field within the segment.
    /// </summary>
    internal static bool TryLocateTransport(
        ReadOnlySpan<byte> ipv4Packet, out byte protocol, out int headerLength, out int transportLength, out int checksumOffset)
    {
        protocol = 0;
        headerLength = 0;
        transportLength = 0;
        checksumOffset = 0;
        if (ipv4Packet.Length < Packets.Ipv4Header.MinLength || (ipv4Packet[0] >> 4) != 4)
        {
            return false;
        }

        headerLength = (ipv4Packet[0] & 0x0F) * 4;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ipv4Packet[2..]);
        if (totalLength == 0 && ipv4Packet.Length > ushort.MaxValue)
        {
            totalLength = ipv4Packet.Length; // Linux BIG TCP: tot_len 0 on a super-frame over 64 KiB.
        }

        if (headerLength < Packets.Ipv4Header.MinLength || totalLength < headerLength || totalLength > ipv4Packet.Length
            || (BinaryPrimitives.ReadUInt16BigEndian(ipv4Packet[6..]) & 0x3FFF) != 0)
        {
            return false;
        }

        protocol = ipv4Packet[9];
        transportLength = totalLength - headerLength;
        (checksumOffset, int minimum) = protocol switch
        {
            IpProtocol.Tcp => (16, 20),
            IpProtocol.Udp => (6, 8),
            IpProtocol.Icmp => (2, 8),
            _ => (-1, 0),
        };
        return checksumOffset >= 0 && transportLength >= minimum;
    }

    // Four 32-bit words: each is congruent to the sum of its two 16-bit halves modulo 0xFFFF, which is all a ones'-complement sum needs.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong AddressWords(UInt128 address) =>
        (ulong)(uint)(address >> 96) + (uint)(address >> 64) + (uint)(address >> 32) + (uint)address;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Reduce(ulong total)
    {
        total = (total & 0xFFFF_FFFF) + (total >> 32);
        return (uint)((total & 0xFFFF_FFFF) + (total >> 32));
    }
}
