using LvsDirector.Scheduling;

namespace LvsDirector.Services;

/// <summary>
/// A virtual service (protocol, VIP, port) with its scheduler and real servers. Its server array is
/// replaced, never mutated, so a packet worker holding an old array stays consistent.
/// </summary>
public sealed class VirtualService
{
    private RealServer[] _servers = [];
    private Scheduler _scheduler;
    private string? _interface;

    internal VirtualService(ServiceKey key, uint address4, Scheduler scheduler, string? interfaceName)
    {
        Key = key;
        Address = address4;
        _scheduler = scheduler;
        _interface = interfaceName;
    }

    public ServiceKey Key { get; }

    public ServiceProtocol Protocol => Key.Protocol;

    /// <summary>VIP in host byte order.</summary>
    public uint Address { get; }

    public ushort Port => Key.Port;

    public Scheduler Scheduler
    {
        get => Volatile.Read(ref _scheduler);
        internal set => Volatile.Write(ref _scheduler, value);
    }

    public string? Interface
    {
        get => Volatile.Read(ref _interface);
        internal set => Volatile.Write(ref _interface, value);
    }

    public IReadOnlyList<RealServer> Servers => Volatile.Read(ref _servers);

    public TrafficCounters Stats { get; } = new();

    internal RealServer[] ServerArray
    {
        get => Volatile.Read(ref _servers);
        set => Volatile.Write(ref _servers, value);
    }
}
