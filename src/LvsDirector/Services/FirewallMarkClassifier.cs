using System.Net.Sockets;
using System.Runtime.CompilerServices;
using LvsDirector.Packets;

namespace LvsDirector.Services;

/// <summary>
/// The firewall-mark rules compiled into flat arrays when the configuration changes, so classifying a frame is a
/// short allocation-free scan: first matching rule wins, as iptables/ip6tables rules in PREROUTING order. IPv4 and
/// IPv6 rules live in separate arrays (an IPv4 frame never matches an IPv6 prefix and the reverse), keeping their
/// relative order.
/// </summary>
public sealed class FirewallMarkClassifier
{
    private readonly CompiledMarkRule[] _rules;
    private readonly CompiledMarkRule6[] _rules6;
    private readonly PortRange[] _ranges;

    public FirewallMarkClassifier(IReadOnlyList<FirewallMarkRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = rules;
        var rules4 = new List<CompiledMarkRule>();
        var rules6 = new List<CompiledMarkRule6>();
        var ranges = new List<PortRange>();
        foreach (var rule in rules)
        {
            ArgumentOutOfRangeException.ThrowIfZero(rule.Mark);
            ArgumentOutOfRangeException.ThrowIfNegative(rule.PrefixLength);
            if (rule.Destination.AddressFamily == AddressFamily.InterNetworkV6)
            {
                ArgumentOutOfRangeException.ThrowIfGreaterThan(rule.PrefixLength, 128);
                var mask6 = Ipv6Address.PrefixMask(rule.PrefixLength);
                var network6 = Ipv6Address.FromIPAddress(rule.Destination) & mask6;
                rules6.Add(new CompiledMarkRule6(network6, mask6, (byte)rule.Protocol, ranges.Count, rule.Ports.Count, rule.Mark));
            }
            else
            {
                ArgumentOutOfRangeException.ThrowIfGreaterThan(rule.PrefixLength, 32);
                var mask = rule.PrefixLength == 0 ? 0u : uint.MaxValue << (32 - rule.PrefixLength);
                var network = ServiceTable.ToHostOrder(rule.Destination) & mask;
                rules4.Add(new CompiledMarkRule(network, mask, (byte)rule.Protocol, ranges.Count, rule.Ports.Count, rule.Mark));
            }

            ranges.AddRange(rule.Ports);
        }

        _rules = [.. rules4];
        _rules6 = [.. rules6];
        _ranges = [.. ranges];
    }

    public static FirewallMarkClassifier Empty { get; } = new([]);

    public IReadOnlyList<FirewallMarkRule> Rules { get; }

    /// <summary>No rules of either family.</summary>
    public bool IsEmpty => _rules.Length == 0 && _rules6.Length == 0;

    /// <summary>At least one IPv4 rule.</summary>
    public bool HasIpv4Rules => _rules.Length != 0;

    /// <summary>At least one IPv6 rule.</summary>
    public bool HasIpv6Rules => _rules6.Length != 0;

    /// <summary>The mark for an IPv4 frame, or 0 when no rule matches.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Classify(byte protocol, uint destinationAddress, ushort destinationPort)
    {
        var rules = _rules;
        for (var i = 0; i < rules.Length; i++)
        {
            ref readonly var rule = ref rules[i];
            if ((destinationAddress & rule.Mask) != rule.Network || (rule.Protocol != 0 && rule.Protocol != protocol))
            {
                continue;
            }

            if (rule.RangeCount == 0 || InRanges(rule.FirstRange, rule.RangeCount, destinationPort))
            {
                return rule.Mark;
            }
        }

        return 0;
    }

    /// <summary>The mark for an IPv6 frame, or 0 when no IPv6 rule matches.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Classify6(byte protocol, UInt128 destination, ushort port)
    {
        var rules = _rules6;
        for (var i = 0; i < rules.Length; i++)
        {
            ref readonly var rule = ref rules[i];
            if ((destination & rule.Mask) != rule.Network || (rule.Protocol != 0 && rule.Protocol != protocol))
            {
                continue;
            }

            if (rule.RangeCount == 0 || InRanges(rule.FirstRange, rule.RangeCount, port))
            {
                return rule.Mark;
            }
        }

        return 0;
    }

    /// <summary>The /32 destinations of IPv4 rules setting <paramref name="mark"/>: the VIPs an IPv4 firewall-mark service announces.</summary>
    public IEnumerable<uint> HostAddressesFor(uint mark)
    {
        foreach (var rule in _rules)
        {
            if (rule.Mark == mark && rule.Mask == uint.MaxValue)
            {
                yield return rule.Network;
            }
        }
    }

    /// <summary>The /128 destinations of IPv6 rules setting <paramref name="mark"/>: the VIPs an IPv6 firewall-mark service announces (Neighbor Advertisements).</summary>
    public IEnumerable<UInt128> HostAddressesFor6(uint mark)
    {
        foreach (var rule in _rules6)
        {
            if (rule.Mark == mark && rule.Mask == UInt128.MaxValue)
            {
                yield return rule.Network;
            }
        }
    }

    private bool InRanges(int first, int count, ushort port)
    {
        var ranges = _ranges;
        for (var i = first; i < first + count; i++)
        {
            if (ranges[i].Contains(port))
            {
                return true;
            }
        }

        return false;
    }
}
