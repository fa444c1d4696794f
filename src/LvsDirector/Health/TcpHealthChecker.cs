using System.Net.Sockets;

namespace LvsDirector.Health;

/// <summary>Passes when a TCP connection to the check port is accepted; closes it at once (keepalived TCP_CHECK).</summary>
public sealed class TcpHealthChecker : IHealthChecker
{
    public string Describe(HealthCheckTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return $"connect to {target.EndPointText}";
    }

    public async Task<HealthCheckResult> CheckAsync(HealthCheckTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var socket = new Socket(target.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(target.EndPoint, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            return HealthCheckResult.Fail($"{Describe(target)} failed: {HealthCheckText.Socket(ex)}");
        }

        return HealthCheckResult.Pass($"connected to {target.EndPointText}");
    }
}
