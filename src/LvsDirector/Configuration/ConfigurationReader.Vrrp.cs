using YamlDotNet.RepresentationModel;

namespace LvsDirector.Configuration;

/// <summary>The vrrp: section, kept apart so the main reader only gains the hook.</summary>
internal sealed partial class ConfigurationReader
{
    private static readonly string[] VrrpKeys =
        ["interface", "virtual_router_id", "priority", "advert_interval", "preempt", "preempt_delay", "version", "unicast_peers"];

    private static readonly TimeSpan MaxPreemptDelay = TimeSpan.FromSeconds(1000);

    // v3 carries the interval in 12 bits of centiseconds; v2 in one octet of seconds.
    private static readonly TimeSpan MaxAdvertIntervalV3 = TimeSpan.FromMilliseconds(40_950);
    private static readonly TimeSpan MaxAdvertIntervalV2 = TimeSpan.FromSeconds(255);

    private VrrpConfiguration? ReadVrrp(YamlNode node, string path, HashSet<string> interfaceNames)
    {
        var map = ReadMapping(node, path, VrrpKeys);
        if (map is null)
        {
            return null;
        }

        var ok = true;
        string? interfaceName = null;
        if (Require(map, node, path, "interface") is { } interfaceNode)
        {
            interfaceName = ReadString(interfaceNode, Join(path, "interface"), required: true);
            if (interfaceName is not null && interfaceNames.Count > 0 && !interfaceNames.Contains(interfaceName))
            {
                Add(interfaceNode.Start, Join(path, "interface"), $"'{interfaceName}' is not one of the configured interfaces ({string.Join(", ", interfaceNames.Order(StringComparer.Ordinal))})");
                interfaceName = null;
            }
        }

        long? routerId = null;
        if (Require(map, node, path, "virtual_router_id") is { } idNode)
        {
            routerId = ReadInteger(idNode, Join(path, "virtual_router_id"), 1, 255);
        }

        var result = new VrrpConfiguration { Interface = interfaceName ?? string.Empty, VirtualRouterId = (int)(routerId ?? 0) };
        ok &= interfaceName is not null && routerId is not null;

        if (map.TryGetValue("priority", out var priorityNode))
        {
            if (ReadInteger(priorityNode, Join(path, "priority"), 1, 255) is { } priority)
            {
                result = result with { Priority = (int)priority };
            }
            else
            {
                ok = false;
            }
        }

        if (map.TryGetValue("version", out var versionNode))
        {
            if (ReadInteger(versionNode, Join(path, "version"), 2, 3) is { } version)
            {
                result = result with { Version = (int)version };
            }
            else
            {
                ok = false;
            }
        }

        if (map.TryGetValue("advert_interval", out var intervalNode))
        {
            ok &= ReadAdvertInterval(intervalNode, Join(path, "advert_interval"), ref result);
        }

        if (map.TryGetValue("preempt", out var preemptNode))
        {
            if (ReadBoolean(preemptNode, Join(path, "preempt")) is { } preempt)
            {
                result = result with { Preempt = preempt };
            }
            else
            {
                ok = false;
            }
        }

        if (map.TryGetValue("preempt_delay", out var delayNode))
        {
            if (ReadDuration(delayNode, Join(path, "preempt_delay"), TimeSpan.Zero, MaxPreemptDelay) is { } delay)
            {
                result = result with { PreemptDelay = delay };
            }
            else
            {
                ok = false;
            }
        }

        if (map.TryGetValue("unicast_peers", out var peersNode) && !IsNull(peersNode))
        {
            ok &= ReadUnicastPeers(peersNode, Join(path, "unicast_peers"), ref result);
        }

        return ok ? result : null;
    }

    private bool ReadAdvertInterval(YamlNode node, string path, ref VrrpConfiguration result)
    {
        var v2 = result.Version == 2;
        if (ReadDuration(node, path, TimeSpan.FromMilliseconds(10), v2 ? MaxAdvertIntervalV2 : MaxAdvertIntervalV3) is not { } interval)
        {
            return false;
        }

        if (v2 && interval.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            Add(node.Start, path, "must be whole seconds with version 2 (VRRPv2 carries the interval in seconds); use version: 3 for shorter intervals");
            return false;
        }

        if (interval.Ticks % (10 * TimeSpan.TicksPerMillisecond) != 0)
        {
            Add(node.Start, path, "must be a multiple of 10ms (VRRPv3 carries the interval in centiseconds)");
            return false;
        }

        result = result with { AdvertInterval = interval };
        return true;
    }

    private bool ReadUnicastPeers(YamlNode node, string path, ref VrrpConfiguration result)
    {
        if (ReadSequence(node, path) is not { } items)
        {
            return false;
        }

        var ok = true;
        var peers = new List<System.Net.IPAddress>();
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            if (ReadString(items[i], itemPath, required: true) is not { } text)
            {
                ok = false;
                continue;
            }

            var problem = ConfigurationValues.ParseUnicastIPv4(text, out var address);
            if (problem is not null)
            {
                Add(items[i].Start, itemPath, problem);
                ok = false;
                continue;
            }

            if (peers.Contains(address))
            {
                Add(items[i].Start, itemPath, $"{text} is listed twice");
                ok = false;
                continue;
            }

            peers.Add(address);
        }

        result = result with { UnicastPeers = peers };
        return ok;
    }
}
