using LvsDirector.Packets;

namespace LvsDirector.Forwarding;

/// <summary>
/// Splits the IPv4 datagram of a frame into fragments that fit an MTU (RFC 791): every fragment carries the frame's
/// Ethernet header and the IP header, payload chunks are multiples of 8 bytes, MF is set on all but the last (and kept
/// on the last when the datagram was itself a non-final fragment), offsets continue the original's. Options are
/// copied into every fragment, which is harmless for the option-less outer headers this is used on.
/// </summary>
public static class Ipv4Fragmenter
{
    /// <summary>
    /// Writes the fragments back to back into <paramref name="output"/> (lengths in <paramref name="frameLengths"/>).
    /// Returns the count, or -1 when the datagram has DF set, the MTU leaves no room for 8 payload bytes, or the
    /// buffers are too small. A datagram that already fits yields one copy.
    /// </summary>
    public static int Fragment(ReadOnlySpan<byte> frame, int l3Offset, int mtu, Span<byte> output, Span<int> frameLengths)
    {
        if (frame.Length < l3Offset + Ipv4Header.MinLength)
        {
            return -1;
        }

        var ip = frame[l3Offset..];
        var headerLength = Ipv4Header.HeaderLength(ip);
        var totalLength = (int)Ipv4Header.TotalLength(ip);
        if (headerLength < Ipv4Header.MinLength || totalLength < headerLength || l3Offset + totalLength > frame.Length)
        {
            return -1;
        }

        if (totalLength <= mtu)
        {
            if (output.Length < l3Offset + totalLength || frameLengths.Length < 1)
            {
                return -1;
            }

            frame[..(l3Offset + totalLength)].CopyTo(output);
            frameLengths[0] = l3Offset + totalLength;
            return 1;
        }

        var flags = Ipv4Header.FlagsAndFragmentOffset(ip);
        if ((flags & Ipv4Header.DontFragment) != 0)
        {
            return -1;
        }

        var chunk = (mtu - headerLength) & ~7;
        if (chunk <= 0)
        {
            return -1;
        }

        var payloadLength = totalLength - headerLength;
        var count = (payloadLength + chunk - 1) / chunk;
        if (count > frameLengths.Length || ((long)count * (l3Offset + headerLength)) + payloadLength > output.Length)
        {
            return -1;
        }

        var baseOffset = (flags & Ipv4Header.FragmentOffsetMask) << 3;
        var originalMoreFragments = (flags & Ipv4Header.MoreFragments) != 0;
        var payload = ip.Slice(headerLength, payloadLength);
        var written = 0;
        for (var i = 0; i < count; i++)
        {
            var offset = i * chunk;
            var length = Math.Min(chunk, payloadLength - offset);
            var fragment = output.Slice(written, l3Offset + headerLength + length);
            frame[..(l3Offset + headerLength)].CopyTo(fragment);
            payload.Slice(offset, length).CopyTo(fragment[(l3Offset + headerLength)..]);
            var fragmentIp = fragment[l3Offset..];
            Ipv4Header.SetTotalLength(fragmentIp, (ushort)(headerLength + length));
            var more = i < count - 1 || originalMoreFragments;
            Ipv4Header.SetFlagsAndFragmentOffset(fragmentIp, (ushort)((more ? Ipv4Header.MoreFragments : 0) | ((baseOffset + offset) >> 3)));
            Ipv4Header.WriteChecksum(fragmentIp);
            frameLengths[i] = fragment.Length;
            written += fragment.Length;
        }

        return count;
    }
}
