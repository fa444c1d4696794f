using System.Net;

namespace LvsDirector.Admin;

/// <summary>Orders addresses as numbers in network byte order (IPv4 before IPv6); unparsable text last, by ordinal.</summary>
internal static class AddressOrder
{
    public static int Compare(string? a, string? b)
    {
        var parsedA = IPAddress.TryParse(a, out var addressA);
        var parsedB = IPAddress.TryParse(b, out var addressB);
        if (!parsedA || !parsedB)
        {
            return parsedA == parsedB ? string.CompareOrdinal(a, b) : (parsedA ? -1 : 1);
        }

        Span<byte> bytesA = stackalloc byte[16];
        Span<byte> bytesB = stackalloc byte[16];
        addressA!.TryWriteBytes(bytesA, out var lengthA);
        addressB!.TryWriteBytes(bytesB, out var lengthB);
        return lengthA != lengthB
            ? lengthA.CompareTo(lengthB)
            : bytesA[..lengthA].SequenceCompareTo(bytesB[..lengthB]);
    }
}
