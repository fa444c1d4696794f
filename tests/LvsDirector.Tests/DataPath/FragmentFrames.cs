using System.Buffers.Binary;
using LvsDirector.Packets;
using LvsDirector.Tests.Packets;

namespace LvsDirector.Tests.DataPath;

/// <summary>Cuts IPv4 frames into fragments as a sending host would, puts forwarded ones back together, builds ICMP errors.</summary>
internal static class FragmentFrames
{
    /// <summary>
    /// Splits an unfragmented frame (Ethernet without VLAN, any IP header length) into fragments carrying at most
    /// <paramref name="maxFragmentPayload"/> bytes (a multiple of 8), DF cleared, header checksums recomputed.
    /// </summary>
    public static List<byte[]> Split(byte[] frame, int maxFragmentPayload = 1480)
    {
        Assert.Equal(0, maxFragmentPayload % 8);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
        var header = frame.AsSpan(0, info.L4Offset);
        var payload = frame.AsSpan(info.L4Offset, info.L4Length);
        var fragments = new List<byte[]>();
        for (var offset = 0; offset < payload.Length; offset += maxFragmentPayload)
        {
            var length = Math.Min(maxFragmentPayload, payload.Length - offset);
            var fragment = new byte[header.Length + length];
            header.CopyTo(fragment);
            payload.Slice(offset, length).CopyTo(fragment.AsSpan(header.Length));
            var ip = fragment.AsSpan(info.L3Offset, info.IpHeaderLength);
            var more = offset + length < payload.Length;
            Ipv4Header.SetTotalLength(ip, (ushort)(info.IpHeaderLength + length));
            Ipv4Header.SetFlagsAndFragmentOffset(ip, (ushort)((more ? Ipv4Header.MoreFragments : 0) | (offset / 8)));
            Ipv4Header.WriteChecksum(ip);
            fragments.Add(fragment);
        }

        return fragments;
    }

    /// <summary>
    /// Reassembles forwarded fragments (any order) into one unfragmented frame, checking that they agree on
    /// addresses, protocol and id and that each has a valid IP header checksum; the result parses Ok.
    /// </summary>
    public static (byte[] Frame, FrameInfo Info) Reassemble(IReadOnlyList<byte[]> fragments)
    {
        Assert.NotEmpty(fragments);
        var parts = new List<(int Offset, byte[] Frame, FrameInfo Info)>();
        foreach (var fragment in fragments)
        {
            Assert.Equal(ParseResult.Fragment, FrameParser.Parse(fragment, out var info));
            var ip = fragment.AsSpan(info.L3Offset);
            Assert.True(Ipv4Header.VerifyChecksum(ip), "fragment IP header checksum");
            parts.Add((Ipv4Header.FragmentOffset(ip), fragment, info));
        }

        parts.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        var first = parts[0];
        Assert.Equal(0, first.Offset);
        var firstIp = first.Frame.AsSpan(first.Info.L3Offset);
        var payload = new List<byte>();
        foreach (var (offset, frame, info) in parts)
        {
            var ip = frame.AsSpan(info.L3Offset);
            Assert.Equal(first.Info.SourceAddress, info.SourceAddress);
            Assert.Equal(first.Info.DestinationAddress, info.DestinationAddress);
            Assert.Equal(first.Info.Protocol, info.Protocol);
            Assert.Equal(Ipv4Header.Identification(firstIp), Ipv4Header.Identification(ip));
            Assert.Equal(payload.Count, offset);
            payload.AddRange(frame.AsSpan(info.L4Offset, info.L4Length).ToArray());
        }

        Assert.False(Ipv4Header.HasMoreFragments(parts[^1].Frame.AsSpan(parts[^1].Info.L3Offset)), "last fragment missing");
        var whole = new byte[first.Info.L4Offset + payload.Count];
        first.Frame.AsSpan(0, first.Info.L4Offset).CopyTo(whole);
        payload.ToArray().CopyTo(whole, first.Info.L4Offset);
        var wholeIp = whole.AsSpan(first.Info.L3Offset, first.Info.IpHeaderLength);
        Ipv4Header.SetTotalLength(wholeIp, (ushort)(first.Info.IpHeaderLength + payload.Count));
        Ipv4Header.SetFlagsAndFragmentOffset(wholeIp, 0);
        Ipv4Header.WriteChecksum(wholeIp);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(whole, out var wholeInfo));
        return (whole, wholeInfo);
    }

    /// <summary>
    /// An ICMP error frame from <paramref name="builder"/>'s addresses quoting the IP packet of <paramref name="quotedFrame"/>,
    /// cut to its IP header plus <paramref name="quotedDataBytes"/> bytes (all of it when null). Bytes 4-7 of the ICMP
    /// header carry <paramref name="rest"/> (the next-hop MTU for fragmentation-needed).
    /// </summary>
    public static byte[] IcmpError(FrameBuilder builder, byte type, byte code, byte[] quotedFrame, int? quotedDataBytes = null, ushort rest = 0)
    {
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(quotedFrame, out var info));
        var length = quotedDataBytes is { } n ? info.IpHeaderLength + n : info.IpTotalLength;
        var quote = quotedFrame.AsSpan(info.L3Offset, length);
        builder.FlagsAndFragment = 0;
        return builder.Ipv4(IpProtocol.Icmp, FrameBuilder.IcmpMessage(type, code, 0, rest, quote));
    }

    /// <summary>The IP packet (from the IP header on) of a frame, as bytes.</summary>
    public static byte[] IpPacket(byte[] frame)
    {
        var result = FrameParser.Parse(frame, out var info);
        Assert.True(result is ParseResult.Ok or ParseResult.Fragment);
        return frame.AsSpan(info.L3Offset, info.IpTotalLength).ToArray();
    }

    /// <summary>The quoted bytes (past the 8-byte ICMP header) of an ICMP error frame.</summary>
    public static byte[] Quote(byte[] icmpFrame)
    {
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(icmpFrame, out var info));
        return icmpFrame.AsSpan(info.L4Offset + 8, info.L4Length - 8).ToArray();
    }

    public static ushort IcmpRest(byte[] icmpFrame)
    {
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(icmpFrame, out var info));
        return BinaryPrimitives.ReadUInt16BigEndian(icmpFrame.AsSpan(info.L4Offset + 6));
    }
}
