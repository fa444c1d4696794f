namespace LvsDirector.Packets;

/// <summary>
/// Splits a TCP/IPv4 or TCP/IPv6 super-frame (GRO/TSO/GSO aggregates of 8-256 KiB that arrive on veth or via GRO/LRO) into
/// frames that fit an MTU, as the kernel's GSO would: same Ethernet (+VLAN) header, IP header (with options) and TCP
/// header (with options) on every segment; sequence numbers advanced by the payload already sent; IP ids incremented
/// per segment (IPv4; IPv6 has no id outside a fragment header, extension headers are copied as they are, and the
/// payload length set per segment, which also covers BIG TCP payload length 0); FIN and PSH only on the last segment, CWR only on the first; IP and TCP checksums computed from scratch
/// (so a super-frame carrying only a partial checksum is fine).
/// </summary>
public static class TcpSegmenter
{
    /// <summary>
    /// Writes the segments back to back into <paramref name="output"/>; frame <c>i</c> starts at the sum of
    /// <c>frameLengths[0..i]</c>. <paramref name="mtu"/> is the IP MTU (1500 on plain Ethernet), so each segment
    /// carries at most MSS = mtu - IP header length (IPv6: 40 + extension headers) - TCP header length payload bytes.
    /// Returns the number of frames written, or -1 when <paramref name="output"/> or <paramref name="frameLengths"/> is
    /// too small, the MTU leaves no room for payload, or <paramref name="info"/> is not an unfragmented TCP frame.
    /// A frame that already fits yields one unchanged copy (checksums recomputed).
    /// </summary>
    public static int Segment(ReadOnlySpan<byte> superFrame, in FrameInfo info, int mtu, Span<byte> output, Span<int> frameLengths)
    {
        if (info.Protocol != IpProtocol.Tcp || !info.HasTransportHeader || info.IsFragment
            || info.PayloadOffset + info.PayloadLength > superFrame.Length || info.PayloadOffset != info.L4Offset + info.TcpHeaderLength)
        {
            return -1;
        }

        int headersLength = info.PayloadOffset;
        int ipAndTcpLength = info.IpHeaderLength + info.TcpHeaderLength;
        int mss = mtu - ipAndTcpLength;
        if (mss <= 0)
        {
            return -1;
        }

        int payloadLength = info.PayloadLength;
        int count = payloadLength == 0 ? 1 : (payloadLength + mss - 1) / mss;
        if (count > frameLengths.Length || (long)count * headersLength + payloadLength > output.Length)
        {
            return -1;
        }

        var originalIp = superFrame[info.L3Offset..];
        var originalTcp = superFrame[info.L4Offset..];
        bool isIpv6 = info.IsIpv6;
        ushort identification = isIpv6 ? (ushort)0 : Ipv4Header.Identification(originalIp);
        uint sequence = TcpHeader.SequenceNumber(originalTcp);
        byte flags = TcpHeader.Flags(originalTcp);
        var payload = superFrame.Slice(info.PayloadOffset, payloadLength);

        int written = 0;
        for (int i = 0; i < count; i++)
        {
            int offset = i * mss;
            int chunkLength = Math.Min(mss, payloadLength - offset);
            int frameLength = headersLength + chunkLength;
            var frame = output.Slice(written, frameLength);
            superFrame[..headersLength].CopyTo(frame);
            payload.Slice(offset, chunkLength).CopyTo(frame[headersLength..]);

            var ip = frame.Slice(info.L3Offset, ipAndTcpLength + chunkLength);
            if (isIpv6)
            {
                Ipv6Header.SetPayloadLength(ip, (ushort)(ip.Length - Ipv6Header.Length));
            }
            else
            {
                Ipv4Header.SetTotalLength(ip, (ushort)ip.Length);
                Ipv4Header.SetIdentification(ip, (ushort)(identification + i));
                Ipv4Header.WriteChecksum(ip);
            }

            var tcp = frame[info.L4Offset..];
            TcpHeader.SetSequenceNumber(tcp, unchecked(sequence + (uint)offset));
            byte segmentFlags = flags;
            if (i != count - 1)
            {
                segmentFlags &= unchecked((byte)~(TcpFlags.Fin | TcpFlags.Psh));
            }

            if (i != 0)
            {
                segmentFlags &= unchecked((byte)~TcpFlags.Cwr);
            }

            TcpHeader.SetFlags(tcp, segmentFlags);
            TcpHeader.SetChecksum(tcp, isIpv6
                ? Checksum.Transport6(tcp[..(info.TcpHeaderLength + chunkLength)], TcpHeader.ChecksumOffset, info.SourceAddress6, info.DestinationAddress6, IpProtocol.Tcp)
                : Checksum.Transport(ip));

            frameLengths[i] = frameLength;
            written += frameLength;
        }

        return count;
    }
}
