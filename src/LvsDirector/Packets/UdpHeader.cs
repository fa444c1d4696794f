using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LvsDirector.Packets;

/// <summary>Field accessors over a UDP header span. Callers check the length (8) first.</summary>
public static class UdpHeader
{
    public const int Length = 8;

    public const int ChecksumOffset = 6;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort SourcePort(ReadOnlySpan<byte> udp) => BinaryPrimitives.ReadUInt16BigEndian(udp);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort DestinationPort(ReadOnlySpan<byte> udp) => BinaryPrimitives.ReadUInt16BigEndian(udp[2..]);

    /// <summary>The UDP length field (header plus data).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort DatagramLength(ReadOnlySpan<byte> udp) => BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);

    /// <summary>The checksum field; 0 means the sender did not compute one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Checksum(ReadOnlySpan<byte> udp) => BinaryPrimitives.ReadUInt16BigEndian(udp[ChecksumOffset..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetSourcePort(Span<byte> udp, ushort port) => BinaryPrimitives.WriteUInt16BigEndian(udp, port);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetDestinationPort(Span<byte> udp, ushort port) => BinaryPrimitives.WriteUInt16BigEndian(udp[2..], port);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetChecksum(Span<byte> udp, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(udp[ChecksumOffset..], value);
}
