namespace LvsDirector.Control;

/// <summary>What ipvsadm -L shows: the header facts and every virtual service.</summary>
/// <param name="Version">IPVS version shown in the header, e.g. "1.2.1".</param>
/// <param name="ConnectionTableSize">Connection hash table size shown as (size=N), e.g. 4096.</param>
/// <param name="Services">Virtual services in any order (lvsadm sorts them as ipvsadm does).</param>
/// <param name="Timeouts">tcp/tcpfin/udp timeouts for ipvsadm -L --timeout; null when the daemon does not report them.</param>
public sealed record ControlListing(
    string Version,
    int ConnectionTableSize,
    IReadOnlyList<ServiceEntry> Services,
    ControlTimeouts? Timeouts = null);
