namespace LvsDirector.Services;

/// <summary>What an operator asks for with ipvsadm -A/-E or a config file service entry.</summary>
/// <param name="Key">Protocol, VIP and port.</param>
/// <param name="Scheduler">ipvsadm scheduler name, e.g. "rr" or "wrr".</param>
/// <param name="Interface">Interface that announces the VIP; null picks the one whose subnet holds it, else the first.</param>
public sealed record VirtualServiceSpec(ServiceKey Key, string Scheduler, string? Interface = null);
