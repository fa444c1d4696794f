using System.Net;
using LvsDirector.Scheduling;

namespace LvsDirector.Services;

/// <summary>
/// A real server of one virtual service. The object outlives its removal from the service while
/// connections still point at it, as IPVS keeps deleted destinations in its trash.
/// </summary>
public sealed class RealServer : SchedulerDestination
{
    private int _method;
    private int _removed;

    internal RealServer(VirtualService service, IPAddress address, uint address4, ushort port, int weight, ForwardingMethod method)
        : base(address4, port, weight)
    {
        Service = service;
        IPAddress = address;
        _method = (int)method;
    }

    public VirtualService Service { get; }

    public IPAddress IPAddress { get; }

    public ForwardingMethod Method
    {
        get => (ForwardingMethod)Volatile.Read(ref _method);
        internal set => Volatile.Write(ref _method, (int)value);
    }

    public TrafficCounters Stats { get; } = new();

    /// <summary>True once -d removed it; existing connections still forward to it.</summary>
    public bool IsRemoved
    {
        get => Volatile.Read(ref _removed) != 0;
        internal set => Volatile.Write(ref _removed, value ? 1 : 0);
    }
}
