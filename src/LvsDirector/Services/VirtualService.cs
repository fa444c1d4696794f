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
    private RealServerSpec? _sorryServer;

    internal VirtualService(ServiceKey key, uint address4, UInt128 address6, Scheduler scheduler, string? interfaceName)
    {
        Key = key;
        Address = address4;
        Address6 = address6;
        _scheduler = scheduler;
        _interface = interfaceName;
    }

    public ServiceKey Key { get; }

    public ServiceProtocol Protocol => Key.Protocol;

    /// <summary>IPv4 VIP in host byte order; 0 for IPv6 and firewall-mark services.</summary>
    public uint Address { get; }

    /// <summary>True for an IPv6 VIP and for an IPv6 firewall-mark service (ipvsadm -f MARK -6).</summary>
    public bool IsIpv6 => Key.IsIpv6;

    /// <summary>IPv6 VIP, first wire byte most significant; 0 for IPv4 and firewall-mark services.</summary>
    public UInt128 Address6 { get; }

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

    /// <summary>
    /// The sorry server to add while every real server is down (keepalived sorry_server, ldirectord fallback); null
    /// for none. Whether it is in use shows in <see cref="Servers"/>: it is listed only then.
    /// </summary>
    public RealServerSpec? SorryServer
    {
        get => Volatile.Read(ref _sorryServer);
        internal set => Volatile.Write(ref _sorryServer, value);
    }

    public TrafficCounters Stats { get; } = new();

    internal RealServer[] ServerArray
    {
        get => Volatile.Read(ref _servers);
        set => Volatile.Write(ref _servers, value);
    }
}
