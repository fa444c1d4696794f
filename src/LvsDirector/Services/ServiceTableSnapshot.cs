using System.Collections.Frozen;
using System.Runtime.CompilerServices;

namespace LvsDirector.Services;

/// <summary>
/// An immutable view of all virtual services and firewall-mark rules, published by one reference swap. Packet
/// workers look services up here without locks; the key packs protocol, VIP and port into one ulong.
/// </summary>
public sealed class ServiceTableSnapshot
{
    private readonly FrozenDictionary<ulong, VirtualService> _byKey;
    private readonly FrozenDictionary<uint, VirtualService> _byMark;
    private readonly bool _hasPortZero;

    internal ServiceTableSnapshot(long version, IReadOnlyList<VirtualService> services, FirewallMarkClassifier marks)
    {
        Version = version;
        Services = services;
        Marks = marks;
        _byKey = services.Where(s => !s.IsFwmark).ToFrozenDictionary(s => Pack((byte)s.Protocol, s.Address, s.Port));
        _byMark = services.Where(s => s.IsFwmark).ToFrozenDictionary(s => s.Fwmark);
        _hasPortZero = services.Any(s => !s.IsFwmark && s.Port == 0);
        HasFwmarkServices = _byMark.Count > 0 && !marks.IsEmpty;
        VirtualAddresses = services.SelectMany(AddressesOf).ToFrozenSet();
    }

    public static ServiceTableSnapshot Empty { get; } = new(0, [], FirewallMarkClassifier.Empty);

    /// <summary>Grows by one with every change; workers compare it to notice new VIPs.</summary>
    public long Version { get; }

    /// <summary>Services in the order they were added, as ipvsadm lists them.</summary>
    public IReadOnlyList<VirtualService> Services { get; }

    /// <summary>The firewall-mark rules in force.</summary>
    public FirewallMarkClassifier Marks { get; }

    /// <summary>True when frames need classifying: at least one firewall-mark service and one rule.</summary>
    public bool HasFwmarkServices { get; }

    /// <summary>Every VIP (address services) and every /32 destination of a firewall-mark service's rules.</summary>
    public FrozenSet<uint> VirtualAddresses { get; }

    /// <summary>The addresses a service answers ARP for: its VIP, or the /32 destinations of its mark's rules.</summary>
    public IEnumerable<uint> AddressesOf(VirtualService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.IsFwmark ? Marks.HostAddressesFor(service.Fwmark).Distinct() : [service.Address];
    }

    /// <summary>Exact (protocol, VIP, port) lookup only.</summary>
    public bool TryFind(byte protocol, uint address, ushort port, out VirtualService service)
    {
        if (_byKey.TryGetValue(Pack(protocol, address, port), out var found))
        {
            service = found;
            return true;
        }

        service = null!;
        return false;
    }

    /// <summary>
    /// The service a new flow belongs to, in IPVS's order (ip_vs_service_find): the firewall-mark service of the
    /// frame's mark first, then (protocol, VIP, port), then the VIP's port-zero service.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryFindForPacket(byte protocol, uint address, ushort port, out VirtualService service)
    {
        if (HasFwmarkServices)
        {
            var mark = Marks.Classify(protocol, address, port);
            if (mark != 0 && _byMark.TryGetValue(mark, out var marked))
            {
                service = marked;
                return true;
            }
        }

        if (_byKey.TryGetValue(Pack(protocol, address, port), out var found))
        {
            service = found;
            return true;
        }

        if (_hasPortZero && port != 0 && _byKey.TryGetValue(Pack(protocol, address, 0), out found))
        {
            service = found;
            return true;
        }

        service = null!;
        return false;
    }

    public bool TryFindByMark(uint mark, out VirtualService service)
    {
        if (_byMark.TryGetValue(mark, out var found))
        {
            service = found;
            return true;
        }

        service = null!;
        return false;
    }

    public bool IsVirtualAddress(uint address) => VirtualAddresses.Contains(address);

    private static ulong Pack(byte protocol, uint address, ushort port) =>
        ((ulong)protocol << 48) | ((ulong)address << 16) | port;
}
