using System.Buffers.Binary;
using System.Diagnostics;

namespace LvsDirector.Benchmarks.Latency;

/// <summary>The benchmark's frames: va → vb, the IEEE local experimental EtherType, a magic, a timestamp, a fill pattern.</summary>
internal static class StampedFrames
{
    public const ushort EtherType = 0x88B5;
    private const ulong Magic = 0x4C56534C4154454EUL;
    private const int StampOffset = 14 + 8;
    private const int FillOffset = StampOffset + 8;

    public static byte[] Create(int length)
    {
        var frame = new byte[length];
        ReadOnlySpan<byte> destination = [0x02, 0, 0, 0, 0, 0x0b];
        ReadOnlySpan<byte> source = [0x02, 0, 0, 0, 0, 0x0a];
        destination.CopyTo(frame);
        source.CopyTo(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), EtherType);
        BinaryPrimitives.WriteUInt64LittleEndian(frame.AsSpan(14), Magic);
        for (var i = FillOffset; i < length; i++)
        {
            frame[i] = (byte)i;
        }

        return frame;
    }

    /// <summary>Writes the current time into <paramref name="frame"/> (just before it is sent).</summary>
    public static void Stamp(Span<byte> frame) =>
        BinaryPrimitives.WriteInt64LittleEndian(frame[StampOffset..], Stopwatch.GetTimestamp());

    public static bool TryRead(ReadOnlySpan<byte> frame, out long stamp, out bool intact)
    {
        stamp = 0;
        intact = false;
        if (frame.Length < FillOffset || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != EtherType
            || BinaryPrimitives.ReadUInt64LittleEndian(frame[14..]) != Magic)
        {
            return false;
        }

        stamp = BinaryPrimitives.ReadInt64LittleEndian(frame[StampOffset..]);

        // The last byte is enough to tell a cut or torn frame.
        intact = frame[^1] == (byte)(frame.Length - 1) || frame.Length == FillOffset;
        return true;
    }
}
