using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Agent;

/// <summary>
/// What an AF_INET6 raw socket of protocol 41 (IPv6 in IPv6, RFC 2473) hands lvsagent: unlike an IPv4 raw socket it
/// delivers only the payload after the outer header and its extension headers, so the received bytes are the inner
/// IPv6 packet itself. This checks that it is one, addressed to a VIP, and trims anything past its payload length.
/// </summary>
internal static class SixInSixDecapsulator
{
    private const int HeaderLength = 40;

    /// <summary>Length of the inner packet at the start of <paramref name="received"/>, or 0 to drop it.</summary>
    public static int InnerLength(ReadOnlySpan<byte> received, IReadOnlySet<UInt128> vips)
    {
        ArgumentNullException.ThrowIfNull(vips);
        if (received.Length < HeaderLength || received[0] >> 4 != 6)
        {
            return 0;
        }

        // A truncated inner packet is dropped; trailing bytes past the payload length are cut. (A jumbogram has payload
        // length 0 and goes to the kernel as a bare header, which drops it: lvsd never builds one.)
        var length = HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(received[4..]);
        if (length > received.Length)
        {
            return 0;
        }

        // Only packets for our VIPs: anything else would let a sender inject arbitrary traffic into this host.
        return vips.Contains(Ipv6Address.Read(received.Slice(24, 16))) ? length : 0;
    }
}
