using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LvsDirector.Packets;

/// <summary>
/// Field accessors over an IPv4 header span (starting at the version/IHL byte). Values are host order. Callers check
/// the length (at least <see cref="MinLength"/>, or the parsed header length) first.
/// </summary>
public static class Ipv4Header
{
    public const int MinLength = 20;

    /// <summary>Don't-fragment bit of the flags/fragment-offset word.</summary>
    public const ushort DontFragment = 0x4000;

    /// <summary>More-fragments bit of the flags/fragment-offset word.</summary>
    public const ushort MoreFragments = 0x2000;

    /// <summary>Mask of the fragment offset (in 8-byte units) in the flags/fragment-offset word.</summary>
    public const ushort FragmentOffsetMask = 0x1FFF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Version(ReadOnlySpan<byte> ip) => ip[0] >> 4;

    /// <summary>Header length in bytes (IHL * 4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int HeaderLength(ReadOnlySpan<byte> ip) => (ip[0] & 0x0F) << 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte TypeOfService(ReadOnlySpan<byte> ip) => ip[1];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort TotalLength(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Identification(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);

    /// <summary>The whole flags/fragment-offset word (DF 0x4000, MF 0x2000, offset 0x1FFF in 8-byte units).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort FlagsAndFragmentOffset(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt16BigEndian(ip[6..]);

    /// <summary>Fragment offset in bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int FragmentOffset(ReadOnlySpan<byte> ip) => (FlagsAndFragmentOffset(ip) & FragmentOffsetMask) << 3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsDontFragment(ReadOnlySpan<byte> ip) => (FlagsAndFragmentOffset(ip) & DontFragment) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool HasMoreFragments(ReadOnlySpan<byte> ip) => (FlagsAndFragmentOffset(ip) & MoreFragments) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Ttl(ReadOnlySpan<byte> ip) => ip[8];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Protocol(ReadOnlySpan<byte> ip) => ip[9];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort HeaderChecksum(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt16BigEndian(ip[10..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Source(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt32BigEndian(ip[12..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Destination(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt32BigEndian(ip[16..]);

    // Raw setters: they do not touch the header checksum. Use WriteChecksum or Checksum.Update* afterwards.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetTotalLength(Span<byte> ip, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(ip[2..], value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetIdentification(Span<byte> ip, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(ip[4..], value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetFlagsAndFragmentOffset(Span<byte> ip, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(ip[6..], value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetTtl(Span<byte> ip, byte value) => ip[8] = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetHeaderChecksum(Span<byte> ip, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(ip[10..], value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetSource(Span<byte> ip, uint address) => BinaryPrimitives.WriteUInt32BigEndian(ip[12..], address);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetDestination(Span<byte> ip, uint address) => BinaryPrimitives.WriteUInt32BigEndian(ip[16..], address);

    /// <summary>Recomputes and stores the header checksum over IHL*4 bytes.</summary>
    public static void WriteChecksum(Span<byte> ip)
    {
        var header = ip[..HeaderLength(ip)];
        SetHeaderChecksum(header, Checksum.Ipv4Header(header));
    }

    /// <summary>True when the stored header checksum is correct (the header sums to 0xFFFF) and IHL fits in the span.</summary>
    public static bool VerifyChecksum(ReadOnlySpan<byte> ip)
    {
        if (ip.Length < MinLength)
        {
            return false;
        }

        int length = HeaderLength(ip);
        return length >= MinLength && length <= ip.Length && Checksum.Fold(Checksum.Add(ip[..length])) == 0xFFFF;
    }

    /// <summary>
    /// Decrements the TTL and patches the checksum incrementally (TTL shares a 16-bit word with the protocol).
    /// Returns false, changing nothing, when the TTL is already 0 or 1 (the packet must not be forwarded).
    /// </summary>
    public static bool DecrementTtl(Span<byte> ip)
    {
        byte ttl = ip[8];
        if (ttl <= 1)
        {
            return false;
        }

        ushort oldWord = BinaryPrimitives.ReadUInt16BigEndian(ip[8..]);
        ip[8] = (byte)(ttl - 1);
        ushort newWord = BinaryPrimitives.ReadUInt16BigEndian(ip[8..]);
        SetHeaderChecksum(ip, Checksum.Update16(HeaderChecksum(ip), oldWord, newWord));
        return true;
    }

    /// <summary>
    /// Writes a 20-byte header without options (e.g. the outer header of an IPIP tunnel) with its checksum.
    /// Returns <see cref="MinLength"/>, or 0 when <paramref name="ip"/> is too short.
    /// </summary>
    public static int Write(
        Span<byte> ip, byte typeOfService, ushort totalLength, ushort identification, bool dontFragment, byte ttl, byte protocol,
        uint source, uint destination)
    {
        if (ip.Length < MinLength)
        {
            return 0;
        }

        ip[0] = 0x45;
        ip[1] = typeOfService;
        SetTotalLength(ip, totalLength);
        SetIdentification(ip, identification);
        SetFlagsAndFragmentOffset(ip, dontFragment ? DontFragment : (ushort)0);
        ip[8] = ttl;
        ip[9] = protocol;
        SetHeaderChecksum(ip, 0);
        SetSource(ip, source);
        SetDestination(ip, destination);
        SetHeaderChecksum(ip, Checksum.Ipv4Header(ip[..MinLength]));
        return MinLength;
    }
}
