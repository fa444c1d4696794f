using System.Buffers.Binary;

namespace LvsDirector.Control;

/// <summary>
/// The frame: a 4-byte big-endian payload length, then that many bytes of UTF-8 JSON.
/// The length is checked before anything is allocated so a hostile peer cannot make us reserve memory.
/// </summary>
public static class ControlFraming
{
    /// <summary>Size of the length prefix.</summary>
    public const int HeaderLength = 4;

    /// <summary>Writes one frame and flushes.</summary>
    public static async Task WriteFrameAsync(Stream stream, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = new byte[HeaderLength];
        BinaryPrimitives.WriteUInt32BigEndian(header, checked((uint)payload.Length));
        await stream.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads one frame. Throws <see cref="ControlProtocolException"/> with <see cref="ControlError.RequestTooLarge"/>
    /// when the announced length exceeds <paramref name="maxLength"/>, and with <see cref="ControlError.BadRequest"/>
    /// for an empty frame or a stream that ends early.
    /// </summary>
    public static async Task<byte[]> ReadFrameAsync(Stream stream, int maxLength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = new byte[HeaderLength];
        await ReadExactlyOrThrowAsync(stream, header, "frame header", cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length > (uint)maxLength)
        {
            throw new ControlProtocolException(
                ControlError.RequestTooLarge,
                $"frame of {length} bytes exceeds the limit of {maxLength} bytes");
        }

        if (length == 0)
        {
            throw new ControlProtocolException(ControlError.BadRequest, "empty frame");
        }

        var payload = new byte[length];
        await ReadExactlyOrThrowAsync(stream, payload, "frame payload", cancellationToken).ConfigureAwait(false);
        return payload;
    }

    private static async Task ReadExactlyOrThrowAsync(Stream stream, byte[] buffer, string what, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException ex)
        {
            throw new ControlProtocolException(ControlError.BadRequest, $"connection closed in the middle of the {what}", ex);
        }
    }
}
