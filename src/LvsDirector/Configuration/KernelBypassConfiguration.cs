namespace LvsDirector.Configuration;

/// <summary>Keeping the director's kernel out of the frames lvsd forwards.</summary>
public sealed record KernelBypassConfiguration
{
    /// <summary>
    /// Drop frames lvsd forwards (to VIPs, NAT replies) on each captured interface's tc ingress hook, after lvsd's
    /// capture, so the kernel's IP stack does not process and discard them a second time.
    /// </summary>
    public bool IngressDrop { get; init; } = true;
}
