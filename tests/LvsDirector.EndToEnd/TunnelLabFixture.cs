namespace LvsDirector.EndToEnd;

/// <summary>
/// Tunnelling: real servers on 198.20.0.0/24 behind a router, reached through the director's eth1 (MTU 1400); each runs
/// lvsagent (setup --mode tun, run) because this kernel has no ipip module.
/// </summary>
public sealed class TunnelLabFixture : LabFixture
{
    public TunnelLabFixture()
        : base("tun")
    {
    }
}
