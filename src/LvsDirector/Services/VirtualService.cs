using LvsDirector.Scheduling;

namespace LvsDirector.Services;

/// <summary>
/// A virtual service (protocol, VIP, port, or a firewall mark) with its scheduler and real servers. Its server array
/// is replaced, never mutated, so a packet worker holding an old array stays consistent.
/// </summary>
public sealed class VirtualService
{
    private RealServer[] _servers = [];
    private Scheduler _scheduler;
    private string? _interface;
    private PersistenceSettings? _persistence;
    private int _onePacket;

    internal VirtualService(ServiceKey key, uint address4, Scheduler scheduler, string? interfaceName)
    {
        Key = key;
        Address = address4;
        _scheduler = scheduler;
        _interface = interfaceName;
    }

    public ServiceKey Key { get; }

    public ServiceProtocol Protocol => Key.Protocol;

    /// <summary>VIP in host byte order; 0 for a firewall-mark service.</summary>
    public uint Address { get; }

    public ushort Port => Key.Port;

    /// <summary>The firewall mark, 0 for an address service.</summary>
    public uint Fwmark => Key.Fwmark;

    public bool IsFwmark => Key.IsFwmark;

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

    /// <summary>Null for a non-persistent service.</summary>
    public PersistenceSettings? Persistence
    {
        get => Volatile.Read(ref _persistence);
        internal set => Volatile.Write(ref _persistence, value);
    }

    /// <summary>ipvsadm --ops: UDP datagrams are scheduled one by one.</summary>
    public bool OnePacket
    {
        get => Volatile.Read(ref _onePacket) != 0;
        internal set => Volatile.Write(ref _onePacket, value ? 1 : 0);
    }

    public IReadOnlyList<RealServer> Servers => Volatile.Read(ref _servers);

    public TrafficCounters Stats { get; } = new();

    internal RealServer[] ServerArray
    {
        get => Volatile.Read(ref _servers);
        set => Volatile.Write(ref _servers, value);
    }
}
