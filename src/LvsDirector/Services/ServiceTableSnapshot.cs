using System.Collections.Frozen;

namespace LvsDirector.Services;

/// <summary>
/// An immutable view of all virtual services, published by one reference swap. Packet workers look
/// services up here without locks; the key packs protocol, VIP and port into one ulong.
/// </summary>
public sealed class ServiceTableSnapshot
{
    private readonly FrozenDictionary<ulong, VirtualService> _byKey;

    internal ServiceTableSnapshot(long version, IReadOnlyList<VirtualService> services)
    {
        Version = version;
        Services = services;
        _byKey = services.ToFrozenDictionary(s => Pack((byte)s.Protocol, s.Address, s.Port));
        VirtualAddresses = services.Select(s => s.Address).ToFrozenSet();
    }

    public static ServiceTableSnapshot Empty { get; } = new(0, []);

    /// <summary>Grows by one with every change; workers compare it to notice new VIPs.</summary>
    public long Version { get; }

    /// <summary>Services in the order they were added, as ipvsadm lists them.</summary>
    public IReadOnlyList<VirtualService> Services { get; }

    public FrozenSet<uint> VirtualAddresses { get; }

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

    public bool IsVirtualAddress(uint address) => VirtualAddresses.Contains(address);

    private static ulong Pack(byte protocol, uint address, ushort port) =>
        ((ulong)protocol << 48) | ((ulong)address << 16) | port;
}
