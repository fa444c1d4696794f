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

    internal RealServer(VirtualService service, IPAddress address, uint address4, UInt128 address6, ushort port, int weight, ForwardingMethod method)
        : base(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? Ipv6Address.Fold(address6) : address4, port, weight)
    {
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
