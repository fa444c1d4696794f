using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace LvsDirector.Health;

/// <summary>
/// The parts of an HTTP/1.x response a health check needs: the status code and the body (chunked transfer coding
/// decoded). The checker asks for Connection: close, so the response is complete when the server closes.
/// </summary>
/// <param name="StatusCode">The status line's code.</param>
/// <param name="Body">The body bytes.</param>
public sealed record HttpResponse(int StatusCode, byte[] Body)
{
    private static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;

    /// <summary>Parses a whole response; returns null and a reason when it is not one.</summary>
    public static HttpResponse? Parse(ReadOnlySpan<byte> data, out string? problem)
    {
        var headerEnd = data.IndexOf(HeaderEnd);
        if (headerEnd < 0)
        {
            problem = data.IsEmpty ? "empty reply" : "incomplete response header";
            return null;
        }

        var head = Encoding.ASCII.GetString(data[..headerEnd]);
        var lines = head.Split("\r\n");
        var status = lines[0].Split(' ', 3);
        if (status.Length < 2 || !status[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || status[1].Length != 3 || !int.TryParse(status[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            problem = "not an HTTP/1.x status line";
            return null;
        }

        var chunked = false;
        long? length = null;
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line.AsSpan(0, colon).Trim();
            var value = line.AsSpan(colon + 1).Trim();
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                length = parsed;
            }
        }

        var rest = data[(headerEnd + HeaderEnd.Length)..];
        if (chunked)
        {
            var body = DecodeChunked(rest, out problem);
            return body is null ? null : new HttpResponse(code, body);
        }

        if (length is { } l)
        {
            if (rest.Length < l)
            {
                problem = $"body shorter than Content-Length {l}";
                return null;
            }

            rest = rest[..(int)l];
        }

        problem = null;
        return new HttpResponse(code, rest.ToArray());
    }

    private static byte[]? DecodeChunked(ReadOnlySpan<byte> data, out string? problem)
    {
        var body = new List<byte>();
        while (true)
        {
            var lineEnd = data.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                problem = "truncated chunked body";
                return null;
            }

            var sizeText = data[..lineEnd];
            var extension = sizeText.IndexOf((byte)';');
            if (extension >= 0)
            {
                sizeText = sizeText[..extension];
            }

            if (!Utf8Parser.TryParse(sizeText.Trim((byte)' '), out int size, out var consumed, 'x') || consumed != sizeText.Trim((byte)' ').Length || size < 0)
            {
                problem = "bad chunk size";
                return null;
            }

            data = data[(lineEnd + 2)..];
            if (size == 0)
            {
                problem = null;
                return [.. body];
            }

            if (data.Length < size + 2)
            {
                problem = "truncated chunked body";
                return null;
            }

            body.AddRange(data[..size]);
            data = data[(size + 2)..];
        }
    }
}
