using System.Runtime.CompilerServices;

namespace LvsDirector.Services;

/// <summary>
/// The firewall-mark rules compiled into flat arrays when the configuration changes, so classifying a frame is a
/// short allocation-free scan: first matching rule wins, as iptables rules in PREROUTING order.
/// </summary>
public sealed class FirewallMarkClassifier
{
    private readonly CompiledMarkRule[] _rules;
    private readonly PortRange[] _ranges;

    public FirewallMarkClassifier(IReadOnlyList<FirewallMarkRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = rules;
        _rules = new CompiledMarkRule[rules.Count];
        var ranges = new List<PortRange>();
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            ArgumentOutOfRangeException.ThrowIfZero(rule.Mark);
            ArgumentOutOfRangeException.ThrowIfNegative(rule.PrefixLength);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(rule.PrefixLength, 32);
            var mask = rule.PrefixLength == 0 ? 0u : uint.MaxValue << (32 - rule.PrefixLength);
            var network = ServiceTable.ToHostOrder(rule.Destination) & mask;
            _rules[i] = new CompiledMarkRule(network, mask, (byte)rule.Protocol, ranges.Count, rule.Ports.Count, rule.Mark);
            ranges.AddRange(rule.Ports);
        }

        _ranges = [.. ranges];
    }

    public static FirewallMarkClassifier Empty { get; } = new([]);

    public IReadOnlyList<FirewallMarkRule> Rules { get; }

    public bool IsEmpty => _rules.Length == 0;

    /// <summary>The mark for a frame, or 0 when no rule matches.</summary>
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

    /// <summary>The /32 destinations of rules setting <paramref name="mark"/>: the VIPs a firewall-mark service announces.</summary>
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
