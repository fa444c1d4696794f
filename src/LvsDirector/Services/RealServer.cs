using System.Net;
using LvsDirector.Connections;
using LvsDirector.Packets;
using LvsDirector.Scheduling;

namespace LvsDirector.Services;

/// <summary>
/// A real server of one virtual service. The object outlives its removal from the service while
/// connections still point at it, as IPVS keeps deleted destinations in its trash.
/// </summary>
/// <remarks>
/// Connection thresholds follow IPVS (ip_vs_bind_dest, ip_vs_unbind_dest, __ip_vs_update_dest): the destination is
/// flagged overloaded once active + inactive connections reach the upper threshold after a bind, and the flag is
/// cleared after an unbind when they drop below the lower threshold, or below 3/4 of the upper one when no lower
/// threshold is set. Templates count as persistent connections, not in that total.
/// </remarks>
public sealed class RealServer : SchedulerDestination, IConnectionBindingObserver
{
    private int _method;
    private int _tunnelType;
    private int _tunnelPort;
    private int _removed;
    private int _persistentConnections;
    private uint _upperThreshold;
    private uint _lowerThreshold;
    private int _configuredWeight;
    private int _down;
    private long _checksPassed;
    private long _checksFailed;

    internal RealServer(VirtualService service, IPAddress address, uint address4, UInt128 address6, ushort port, int weight, ForwardingMethod method, bool down = false, bool sorryServer = false)
        : base(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? Ipv6Address.Fold(address6) : address4, port, down ? 0 : weight)
    {
        _configuredWeight = weight;
        _down = down ? 1 : 0;
        IsSorryServer = sorryServer;
        Service = service;
        IPAddress = address;
        IsIpv6 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        Address6 = address6;
        _method = (int)method;
    }

    public VirtualService Service { get; }

    public IPAddress IPAddress { get; }

    /// <summary>
    /// True for an IPv6 real server (always of an IPv6 service: families never mix). Its
    /// <see cref="SchedulerDestination.Address"/> is then <see cref="Ipv6Address.Fold"/> of <see cref="Address6"/>, the
    /// 32-bit key IPVS's hashing schedulers use for IPv6.
    /// </summary>
    public bool IsIpv6 { get; }

    /// <summary>IPv6 address, first wire byte most significant; 0 for an IPv4 server.</summary>
    public UInt128 Address6 { get; }

    public ForwardingMethod Method
    {
        get => (ForwardingMethod)Volatile.Read(ref _method);
        internal set => Volatile.Write(ref _method, (int)value);
    }

    public TrafficCounters Stats { get; } = new();

    /// <summary>Encapsulation when <see cref="Method"/> is <see cref="ForwardingMethod.Tunnel"/>.</summary>
    public TunnelType TunnelType
    {
        get => (TunnelType)Volatile.Read(ref _tunnelType);
        internal set => Volatile.Write(ref _tunnelType, (int)value);
    }

    /// <summary>GUE destination port (0 for IPIP).</summary>
    public ushort TunnelPort
    {
        get => (ushort)Volatile.Read(ref _tunnelPort);
        internal set => Volatile.Write(ref _tunnelPort, value);
    }

    /// <summary>True once -d removed it; existing connections still forward to it.</summary>
    public bool IsRemoved
    {
        get => Volatile.Read(ref _removed) != 0;
        internal set => Volatile.Write(ref _removed, value ? 1 : 0);
    }

    /// <summary>
    /// The weight the operator gave (config file, ipvsadm -a/-e). <see cref="SchedulerDestination.Weight"/> is the
    /// weight the schedulers use: this one while the server is up, 0 while a health check holds it down, so a down
    /// server is treated exactly like a quiescent one by every scheduler.
    /// </summary>
    public int ConfiguredWeight => Volatile.Read(ref _configuredWeight);

    /// <summary>True while a health check holds the server down (no new connections; existing ones keep flowing).</summary>
    public bool IsDown => Volatile.Read(ref _down) != 0;

    /// <summary>True for the service's sorry server, which is only in the list while every real server is down.</summary>
    public bool IsSorryServer { get; }

    /// <summary>Health checks of this server that passed since it was added.</summary>
    public long HealthChecksPassed => Interlocked.Read(ref _checksPassed);

    /// <summary>Health checks of this server that failed (or timed out) since it was added.</summary>
    public long HealthChecksFailed => Interlocked.Read(ref _checksFailed);

    /// <summary>Persistence templates bound here (ipvsadm --persistent-conn).</summary>
    public int PersistentConnections => Volatile.Read(ref _persistentConnections);

    /// <summary>ipvsadm -x; 0 for none.</summary>
    public uint UpperThreshold => Volatile.Read(ref _upperThreshold);

    /// <summary>ipvsadm -y; 0 for none.</summary>
    public uint LowerThreshold => Volatile.Read(ref _lowerThreshold);

    private long TotalConnections => (long)ActiveConnections + InactiveConnections;

    void IConnectionBindingObserver.OnBound(bool isTemplate)
    {
        if (isTemplate)
        {
            Interlocked.Increment(ref _persistentConnections);
        }

        var upper = UpperThreshold;
        if (upper != 0 && TotalConnections >= upper)
        {
            IsOverloaded = true;
        }
    }

    void IConnectionBindingObserver.OnUnbound(bool isTemplate)
    {
        if (isTemplate)
        {
            Interlocked.Decrement(ref _persistentConnections);
        }

        var lower = LowerThreshold;
        var upper = UpperThreshold;
        if (lower != 0)
        {
            if (TotalConnections < lower)
            {
                IsOverloaded = false;
            }
        }
        else if (upper != 0)
        {
            if (TotalConnections * 4 < upper * 3L)
            {
                IsOverloaded = false;
            }
        }
        else
        {
            IsOverloaded = false;
        }
    }

    /// <summary>Sets the operator's weight; the scheduling weight follows unless the server is down.</summary>
    internal void SetConfiguredWeight(int weight)
    {
        Volatile.Write(ref _configuredWeight, weight);
        Weight = IsDown ? 0 : weight;
    }

    /// <summary>Marks the server down (scheduling weight 0) or up (configured weight); false when it already was.</summary>
    internal bool SetDown(bool down)
    {
        if (Interlocked.Exchange(ref _down, down ? 1 : 0) == (down ? 1 : 0))
        {
            return false;
        }

        Weight = down ? 0 : ConfiguredWeight;
        return true;
    }

    internal void CountHealthCheck(bool passed)
    {
        if (passed)
        {
            Interlocked.Increment(ref _checksPassed);
        }
        else
        {
            Interlocked.Increment(ref _checksFailed);
        }
    }

    /// <summary>__ip_vs_update_dest: a removed or raised upper threshold clears the overload flag at once.</summary>
    internal void SetThresholds(uint upper, uint lower)
    {
        if (upper == 0 || upper > UpperThreshold)
        {
            IsOverloaded = false;
        }

        Volatile.Write(ref _upperThreshold, upper);
        Volatile.Write(ref _lowerThreshold, lower);
    }
}
