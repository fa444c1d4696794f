using System.Net.NetworkInformation;

namespace LvsDirector.Health;

/// <summary>Passes when the server answers an ICMP echo (keepalived PING_CHECK).</summary>
public sealed class PingHealthChecker : IHealthChecker
{
    public string Describe(HealthCheckTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return $"ping {target.Address}";
    }

    public async Task<HealthCheckResult> CheckAsync(HealthCheckTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var ping = new Ping();
        PingReply reply;
        try
        {
            reply = await ping.SendPingAsync(target.Address, target.Settings.Timeout, buffer: null, options: null, cancellationToken).ConfigureAwait(false);
        }
        catch (PingException ex)
        {
            return HealthCheckResult.Fail($"{Describe(target)} failed: {ex.InnerException?.Message ?? ex.Message}");
        }

        return reply.Status == IPStatus.Success
            ? HealthCheckResult.Pass($"echo reply from {target.Address} in {reply.RoundtripTime} ms")
            : HealthCheckResult.Fail($"{Describe(target)} failed: {reply.Status}");
    }
}
