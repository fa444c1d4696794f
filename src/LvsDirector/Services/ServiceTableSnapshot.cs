using System.Collections.Frozen;
using System.Runtime.CompilerServices;

namespace LvsDirector.Services;

/// <summary>
/// An immutable view of all virtual services and firewall-mark rules, published by one reference swap. Packet
/// workers look services up here without locks; the IPv4 key packs protocol, VIP and port into one ulong, the IPv6
/// key is a small struct. IPv4 and IPv6 services, marks and VIP sets are kept apart: a frame of one family only ever
/// finds a service of its own family, as in IPVS where every lookup carries the address family.
/// </summary>
public sealed class ServiceTableSnapshot
{
    private readonly FrozenDictionary<ulong, VirtualService> _byKey;
    private readonly FrozenDictionary<uint, VirtualService> _byMark;
    private readonly FrozenDictionary<Ipv6ServiceLookupKey, VirtualService> _byKey6;
    private readonly FrozenDictionary<uint, VirtualService> _byMark6;
    private readonly bool _hasPortZero;
    private readonly bool _hasPortZero6;

    internal ServiceTableSnapshot(long version, IReadOnlyList<VirtualService> services, FirewallMarkClassifier marks)
    {
        Version = version;
        Services = services;
        Marks = marks;
        _byKey = services.Where(s => !s.IsFwmark && !s.IsIpv6).ToFrozenDictionary(s => Pack((byte)s.Protocol, s.Address, s.Port));
        _byMark = services.Where(s => s.IsFwmark && !s.IsIpv6).ToFrozenDictionary(s => s.Fwmark);
        _byKey6 = services.Where(s => !s.IsFwmark && s.IsIpv6).ToFrozenDictionary(s => new Ipv6ServiceLookupKey((byte)s.Protocol, s.Address6, s.Port));
        _byMark6 = services.Where(s => s.IsFwmark && s.IsIpv6).ToFrozenDictionary(s => s.Fwmark);
        _hasPortZero = services.Any(s => !s.IsFwmark && !s.IsIpv6 && s.Port == 0);
        _hasPortZero6 = services.Any(s => !s.IsFwmark && s.IsIpv6 && s.Port == 0);
        HasFwmarkServices = _byMark.Count > 0 && marks.HasIpv4Rules;
        HasFwmarkServices6 = _byMark6.Count > 0 && marks.HasIpv6Rules;
        VirtualAddresses = services.SelectMany(AddressesOf).ToFrozenSet();
        VirtualAddresses6 = services.SelectMany(AddressesOf6).ToFrozenSet();
    }

    public static ServiceTableSnapshot Empty { get; } = new(0, [], FirewallMarkClassifier.Empty);

    /// <summary>Grows by one with every change; workers compare it to notice new VIPs.</summary>
    public long Version { get; }

    /// <summary>Services of both families in the order they were added, as ipvsadm lists them.</summary>
    public IReadOnlyList<VirtualService> Services { get; }

    /// <summary>The firewall-mark rules in force.</summary>
    public FirewallMarkClassifier Marks { get; }

    /// <summary>True when IPv4 frames need classifying: at least one IPv4 firewall-mark service and one IPv4 rule.</summary>
    public bool HasFwmarkServices { get; }

    /// <summary>True when IPv6 frames need classifying: at least one IPv6 firewall-mark service and one IPv6 rule.</summary>
    public bool HasFwmarkServices6 { get; }

    /// <summary>Every IPv4 VIP (address services) and every /32 destination of an IPv4 firewall-mark service's rules.</summary>
    public FrozenSet<uint> VirtualAddresses { get; }

    /// <summary>Every IPv6 VIP (address services) and every /128 destination of an IPv6 firewall-mark service's rules.</summary>
    public FrozenSet<UInt128> VirtualAddresses6 { get; }

    /// <summary>
    /// The IPv4 addresses a service answers ARP for: its VIP, or the /32 destinations of its mark's IPv4 rules; nothing
    /// for an IPv6 service.
    /// </summary>
    public IEnumerable<uint> AddressesOf(VirtualService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (service.IsIpv6)
        {
            return [];
        }

        return service.IsFwmark ? Marks.HostAddressesFor(service.Fwmark).Distinct() : [service.Address];
    }

    /// <summary>
    /// The IPv6 addresses a service answers Neighbor Solicitations for: its VIP, or the /128 destinations of its
    /// mark's IPv6 rules; nothing for an IPv4 service.
    /// </summary>
    public IEnumerable<UInt128> AddressesOf6(VirtualService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (!service.IsIpv6)
        {
            return [];
        }

        return service.IsFwmark ? Marks.HostAddressesFor6(service.Fwmark).Distinct() : [service.Address6];
    }

    /// <summary>Exact (protocol, IPv4 VIP, port) lookup only.</summary>
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

    /// <summary>Exact (protocol, IPv6 VIP, port) lookup only.</summary>
    public bool TryFind6(byte protocol, UInt128 address, ushort port, out VirtualService service)
    {
        if (_byKey6.TryGetValue(new Ipv6ServiceLookupKey(protocol, address, port), out var found))
        {
            service = found;
            return true;
        }

        service = null!;
        return false;
    }

    /// <summary>
    /// The service a new IPv4 flow belongs to, in IPVS's order (ip_vs_service_find): the firewall-mark service of the
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

    /// <summary>The IPv6 counterpart of <see cref="TryFindForPacket"/>: IPv6 mark service, exact service, port-zero service.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryFindForPacket6(byte protocol, UInt128 address, ushort port, out VirtualService service)
    {
        if (HasFwmarkServices6)
        {
            var mark = Marks.Classify6(protocol, address, port);
            if (mark != 0 && _byMark6.TryGetValue(mark, out var marked))
            {
                service = marked;
                return true;
            }
        }

        if (_byKey6.TryGetValue(new Ipv6ServiceLookupKey(protocol, address, port), out var found))
        {
            service = found;
            return true;
        }

        if (_hasPortZero6 && port != 0 && _byKey6.TryGetValue(new Ipv6ServiceLookupKey(protocol, address, 0), out found))
        {
            service = found;
            return true;
        }

        service = null!;
        return false;
    }

    /// <summary>The IPv4 firewall-mark service of a mark.</summary>
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

    /// <summary>The IPv6 firewall-mark service of a mark (ipvsadm -f MARK -6).</summary>
    public bool TryFindByMark6(uint mark, out VirtualService service)
    {
        if (_byMark6.TryGetValue(mark, out var found))
        {
            service = found;
            return true;
        }

        service = null!;
        return false;
    }

    public bool IsVirtualAddress(uint address) => VirtualAddresses.Contains(address);

    public bool IsVirtualAddress6(UInt128 address) => VirtualAddresses6.Contains(address);

    private static ulong Pack(byte protocol, uint address, ushort port) =>
        ((ulong)protocol << 48) | ((ulong)address << 16) | port;
}
