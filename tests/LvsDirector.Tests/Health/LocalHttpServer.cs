using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace LvsDirector.Tests.Health;

/// <summary>
/// A tiny HTTP/1.1 responder on 127.0.0.1 for checker tests: answers every request with one canned reply (optionally
/// over TLS with a throw-away self-signed certificate) and remembers the last request's head.
/// </summary>
internal sealed class LocalHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly X509Certificate2? _certificate;
    private readonly Task _loop;

    public LocalHttpServer(int status, string body, bool tls = false, bool chunked = false)
    {
        Status = status;
        Body = body;
        Chunked = chunked;
        if (tls)
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        }

        _listener.Start();
        _loop = AcceptAsync(_stop.Token);
    }

    public int Status { get; set; }

    public string Body { get; set; }

    public bool Chunked { get; }

    public ushort Port => (ushort)((IPEndPoint)_listener.LocalEndpoint).Port;

    public string? LastRequest { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
        _certificate?.Dispose();
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(ct);
            _ = Task.Run(() => ServeAsync(client, ct), ct);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        using (client)
        {
            Stream stream = client.GetStream();
            if (_certificate is not null)
            {
                var tls = new SslStream(stream);
                await tls.AuthenticateAsServerAsync(_certificate);
                stream = tls;
            }

            var buffer = new byte[4096];
            var head = new StringBuilder();
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, ct);
                if (read == 0)
                {
                    return;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            LastRequest = head.ToString();
            var body = Encoding.UTF8.GetBytes(Body);
            string reply;
            if (Chunked)
            {
                var half = Body.Length / 2;
                reply = $"HTTP/1.1 {Status} X\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{half:x}\r\n{Body[..half]}\r\n{Body.Length - half:x}\r\n{Body[half..]}\r\n0\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(reply), ct);
            }
            else
            {
                reply = $"HTTP/1.1 {Status} X\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(reply), ct);
                await stream.WriteAsync(body, ct);
            }

            await stream.FlushAsync(ct);
            await stream.DisposeAsync();
        }
    }
}
