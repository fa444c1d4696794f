using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;

namespace LvsDirector.Health;

/// <summary>
/// GET path with a Host header over plain TCP (keepalived HTTP_GET); <see cref="HttpsHealthChecker"/> adds TLS.
/// Passes when the status is accepted and the body holds <see cref="HealthCheckSettings.Expect"/> and matches
/// <see cref="HealthCheckSettings.Digest"/> where they are set.
/// </summary>
public class HttpHealthChecker : IHealthChecker
{
    /// <summary>A health page is small; a bigger reply is cut here rather than read whole.</summary>
    public const int MaxResponseBytes = 1 << 20;

    public HttpHealthChecker()
        : this(tls: false)
    {
    }

    protected HttpHealthChecker(bool tls) => UsesTls = tls;

    protected bool UsesTls { get; }

    private string Scheme => UsesTls ? "https" : "http";

    public string Describe(HealthCheckTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return $"GET {Scheme}://{target.EndPointText}{target.Settings.Path}";
    }

    public async Task<HealthCheckResult> CheckAsync(HealthCheckTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        byte[] reply;
        try
        {
            reply = await ExchangeAsync(target, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            return HealthCheckResult.Fail($"{Describe(target)} failed: {HealthCheckText.Socket(ex)}");
        }
        catch (IOException ex)
        {
            return HealthCheckResult.Fail($"{Describe(target)} failed: {(ex.InnerException as SocketException is { } se ? HealthCheckText.Socket(se) : ex.Message)}");
        }
        catch (AuthenticationException ex)
        {
            return HealthCheckResult.Fail($"{Describe(target)} failed: TLS handshake: {ex.Message}");
        }

        var response = HttpResponse.Parse(reply, out var problem);
        return response is null
            ? HealthCheckResult.Fail($"{Describe(target)} failed: {problem}")
            : Judge(target, response);
    }

    /// <summary>The verdict on a parsed reply; public so the rules are testable without a server.</summary>
    public HealthCheckResult Judge(HealthCheckTarget target, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(response);
        var settings = target.Settings;
        var what = Describe(target);
        var accepted = settings.StatusCodes.Count == 0
            ? response.StatusCode is >= 200 and < 300
            : settings.StatusCodes.Contains(response.StatusCode);
        if (!accepted)
        {
            return HealthCheckResult.Fail($"HTTP {response.StatusCode} from {what}");
        }

        if (settings.Expect is { } expect && !Encoding.UTF8.GetString(response.Body).Contains(expect, StringComparison.Ordinal))
        {
            return HealthCheckResult.Fail($"HTTP {response.StatusCode} from {what} without \"{expect}\" in the body");
        }

        if (settings.Digest is { } digest)
        {
            // keepalived's digest is MD5 of the body; it identifies content, it protects nothing.
#pragma warning disable CA5351
            var actual = Convert.ToHexStringLower(MD5.HashData(response.Body));
#pragma warning restore CA5351
            if (!string.Equals(actual, digest, StringComparison.Ordinal))
            {
                return HealthCheckResult.Fail($"HTTP {response.StatusCode} from {what} with body digest {actual}, expected {digest}");
            }
        }

        return HealthCheckResult.Pass($"HTTP {response.StatusCode} from {what}");
    }

    /// <summary>The Host header: the configured one, else the address with the port when it is not the scheme's default.</summary>
    public string HostHeader(HealthCheckTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Settings.Host is { } host)
        {
            return host;
        }

        var address = target.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{target.Address}]" : target.Address.ToString();
        return target.Port == (UsesTls ? 443 : 80) ? address : string.Create(CultureInfo.InvariantCulture, $"{address}:{target.Port}");
    }

    private async Task<byte[]> ExchangeAsync(HealthCheckTarget target, CancellationToken ct)
    {
        using var socket = new Socket(target.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(target.EndPoint, ct).ConfigureAwait(false);
        var network = new NetworkStream(socket, ownsSocket: false);
        await using (network.ConfigureAwait(false))
        {
            Stream stream = network;
            SslStream? tls = null;
            if (UsesTls)
            {
                tls = new SslStream(network, leaveInnerStreamOpen: true);
                var serverName = (target.Settings.Host ?? target.Address.ToString()).Split(':')[0];
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = serverName,

                    // keepalived's SSL_GET does not verify the server's certificate either: the check asks whether the
                    // server answers, and real servers commonly carry the VIP's certificate, not one for their address.
#pragma warning disable CA5359
                    RemoteCertificateValidationCallback = static (_, _, _, _) => true,
#pragma warning restore CA5359
                }, ct).ConfigureAwait(false);
                stream = tls;
            }

            try
            {
                var request = $"GET {target.Settings.Path} HTTP/1.1\r\nHost: {HostHeader(target)}\r\nUser-Agent: lvsd-health-check\r\nAccept: */*\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(request), ct).ConfigureAwait(false);
                await stream.FlushAsync(ct).ConfigureAwait(false);
                return await ReadAllAsync(stream, ct).ConfigureAwait(false);
            }
            finally
            {
                if (tls is not null)
                {
                    await tls.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (buffer.Length < MaxResponseBytes)
        {
            var read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
