using System.Net.Sockets;
using LvsDirector.Control;

namespace LvsDirector.Tests.Control;

/// <summary>Speaks to a control socket byte by byte, to send what the real client never would.</summary>
internal static class RawControlConnection
{
    public static async Task<ControlResponse> ExchangeAsync(string socketPath, byte[] bytes, bool closeSendSide = false)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), timeout.Token);
        await socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
        if (closeSendSide)
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var frame = await ControlFraming.ReadFrameAsync(stream, ControlDefaults.MaxResponseBytes, timeout.Token);
        return ControlMessageCodec.DeserializeResponse(frame);
    }

    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[payload.Length + 4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, payload.Length);
        payload.CopyTo(bytes.AsSpan(4));
        return bytes;
    }
}
