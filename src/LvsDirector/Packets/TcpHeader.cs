using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LvsDirector.Packets;

/// <summary>Field accessors over a TCP header span (starting at the source port). Callers check the length first.</summary>
public static class TcpHeader
{
    public const int MinLength = 20;

    public const int ChecksumOffset = 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort SourcePort(ReadOnlySpan<byte> tcp) => BinaryPrimitives.ReadUInt16BigEndian(tcp);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort DestinationPort(ReadOnlySpan<byte> tcp) => BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint SequenceNumber(ReadOnlySpan<byte> tcp) => BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint AcknowledgmentNumber(ReadOnlySpan<byte> tcp) => BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]);

    /// <summary>Header length in bytes (data offset * 4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int HeaderLength(ReadOnlySpan<byte> tcp) => (tcp[12] >> 4) << 2;

    /// <summary>The flags byte; see <see cref="Packets.TcpFlags"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Flags(ReadOnlySpan<byte> tcp) => tcp[13];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Window(ReadOnlySpan<byte> tcp) => BinaryPrimitives.ReadUInt16BigEndian(tcp[14..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Checksum(ReadOnlySpan<byte> tcp) => BinaryPrimitives.ReadUInt16BigEndian(tcp[ChecksumOffset..]);

    // Raw setters: they do not touch the checksum.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetSourcePort(Span<byte> tcp, ushort port) => BinaryPrimitives.WriteUInt16BigEndian(tcp, port);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetDestinationPort(Span<byte> tcp, ushort port) => BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], port);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetSequenceNumber(Span<byte> tcp, uint value) => BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetAcknowledgmentNumber(Span<byte> tcp, uint value) => BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetFlags(Span<byte> tcp, byte flags) => tcp[13] = flags;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetChecksum(Span<byte> tcp, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(tcp[ChecksumOffset..], value);
}
