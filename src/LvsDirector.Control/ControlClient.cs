using System.Net.Sockets;

namespace LvsDirector.Control;

/// <summary>Sends one request to lvsd and returns its response (one connection per request).</summary>
public static class ControlClient
{
    /// <summary>
    /// Connects to <paramref name="socketPath"/>, sends <paramref name="request"/> and reads the answer.
    /// Throws <see cref="ControlConnectionException"/> when the socket is missing, refuses, is not permitted,
    /// or closes without answering; <see cref="ControlProtocolException"/> when the answer is malformed.
    /// </summary>
    public static async Task<ControlResponse> SendAsync(string socketPath, ControlRequest request, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        var payload = ControlMessageCodec.SerializeRequest(request);
        if (payload.Length > ControlDefaults.MaxRequestBytes)
        {
            throw new ControlProtocolException(
                ControlError.RequestTooLarge,
                $"request of {payload.Length} bytes exceeds the limit of {ControlDefaults.MaxRequestBytes} bytes");
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        UnixDomainSocketEndPoint endPoint;
        try
        {
            endPoint = new UnixDomainSocketEndPoint(socketPath);
        }
        catch (ArgumentException ex)
        {
            throw new ControlConnectionException(socketPath, "invalid socket path", ex);
        }

        try
        {
            await socket.ConnectAsync(endPoint, ct).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new ControlConnectionException(socketPath, DescribeConnectFailure(socketPath, ex), ex);
        }

        var stream = new NetworkStream(socket, ownsSocket: false);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                await ControlFraming.WriteFrameAsync(stream, payload, ct).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The server may have rejected the request and closed early; its answer can still be waiting.
            }

            byte[] answer;
            try
            {
                answer = await ControlFraming.ReadFrameAsync(stream, ControlDefaults.MaxResponseBytes, ct).ConfigureAwait(false);
            }
            catch (ControlProtocolException ex) when (ex.Error == ControlError.BadRequest)
            {
                throw new ControlConnectionException(socketPath, "lvsd closed the connection without answering", ex);
            }
            catch (IOException ex)
            {
                throw new ControlConnectionException(socketPath, ex.Message, ex);
            }

            return ControlMessageCodec.DeserializeResponse(answer);
        }
    }

    private static string DescribeConnectFailure(string socketPath, SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.AccessDenied => "permission denied",
        _ when !File.Exists(socketPath) => "no such file or directory",
        _ => ex.Message,
    };
}
