namespace LvsDirector.Tests.Packets;

/// <summary>
/// A deliberately naive Internet checksum (RFC 1071, one 16-bit word at a time) so the tests do not check the
/// production code against itself.
/// </summary>
internal static class ReferenceChecksum
{
    public static long Sum(ReadOnlySpan<byte> data)
    {
        long sum = 0;
        for (int i = 0; i < data.Length; i += 2)
        {
            int high = data[i];
            int low = i + 1 < data.Length ? data[i + 1] : 0;
            sum += (high << 8) | low;
        }

        return sum;
    }

    public static ushort Fold(long sum)
    {
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)sum;
    }

    public static ushort Compute(ReadOnlySpan<byte> data) => (ushort)~Fold(Sum(data));

    public static long PseudoHeader(uint source, uint destination, byte protocol, int length) =>
        (source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF) + protocol + length;

    /// <summary>The IPv6 pseudo-header (RFC 8200 8.1) summed word by word from the address bytes.</summary>
    public static long PseudoHeader6(UInt128 source, UInt128 destination, byte nextHeader, int length)
    {
        long sum = nextHeader + (length >> 16) + (length & 0xFFFF);
        for (int shift = 0; shift < 128; shift += 16)
        {
            sum += (long)(ushort)(source >> shift) + (long)(ushort)(destination >> shift);
        }

        return sum;
    }

    /// <summary>True when the data (checksum field included) sums to ones'-complement zero.</summary>
    public static bool Verifies(ReadOnlySpan<byte> data, long extra = 0) => Fold(Sum(data) + extra) == 0xFFFF;

    /// <summary>Two checksum values are the same number in ones'-complement arithmetic (0x0000 and 0xFFFF are both zero).</summary>
    public static bool Equivalent(ushort a, ushort b) => a == b || (a is 0 or 0xFFFF && b is 0 or 0xFFFF);
}
