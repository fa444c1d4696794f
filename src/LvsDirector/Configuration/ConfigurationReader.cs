using System.Globalization;
using System.Net;
using LvsDirector.Health;
using LvsDirector.Scheduling;
using LvsDirector.Services;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LvsDirector.Configuration;

/// <summary>
/// One pass over a YAML representation tree. Works on nodes rather than a deserializer so every value keeps
/// its line and column, and so a bad value is reported and skipped instead of aborting the whole file.
/// </summary>
internal sealed partial class ConfigurationReader
{
    private static readonly string[] RootKeys = ["interfaces", "socket", "logging", "connections", "neighbors", "offloads", "data_path", "kernel_bypass", "reload", "firewall_marks", "services", "metrics", "vrrp"];
    private static readonly string[] InterfaceKeys = ["name", "role", "comment", "addresses"];
    private static readonly string[] SocketKeys = ["path", "group"];
    private static readonly string[] LoggingKeys = ["level", "file"];
    private static readonly string[] ConnectionsKeys = ["table_size", "sloppy_tcp", "expire_nodest_conn", "expire_quiescent_template", "one_packet_reply_timeout", "timeouts"];
    private static readonly string[] TimeoutKeys = ["tcp", "tcp_fin", "udp"];
    private static readonly string[] FirewallMarkKeys = ["mark", "protocol", "destination", "ports"];
    private static readonly string[] NeighborsKeys = ["arp_timeout"];
    private static readonly string[] OffloadsKeys = ["disable"];
    private static readonly string[] KernelBypassKeys = ["ingress_drop"];
    private static readonly string[] ReloadKeys = ["removed_server", "drain_timeout"];
    private static readonly string[] ServiceKeys = ["protocol", "address", "port", "fwmark", "family", "scheduler", "interface", "persistence", "one_packet", "scheduler_flags", "real_servers", "health_check", "sorry_server"];
    private static readonly string[] PersistenceKeys = ["timeout", "netmask", "prefix_length"];
    private static readonly string[] RealServerKeys = ["address", "port", "weight", "method", "upper_threshold", "lower_threshold", "tun_type", "tun_port", "health_check"];

    private static readonly TimeSpan MaxArpTimeout = TimeSpan.FromDays(1);
    private static readonly TimeSpan MaxPersistenceTimeout = TimeSpan.FromSeconds(int.MaxValue / 1000);

    // The kernel keeps timeouts in jiffies of an int; with HZ = 1000 that is INT_MAX / 1000 seconds.
    private static readonly TimeSpan MaxConnectionTimeout = TimeSpan.FromSeconds(int.MaxValue / 1000);

    private readonly string _file;
    private readonly List<ConfigurationError> _errors = [];

    public ConfigurationReader(string file) => _file = file;

    public ConfigurationLoadResult Read(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            // The parser cannot resynchronise after a syntax error (a repeated key included), so this is the
            // one case with a single error.
            Add(ex.Start, string.Empty, $"YAML syntax error: {SyntaxMessage(ex)}");
            return ConfigurationLoadResult.Failure(_errors);
        }

        if (stream.Documents.Count > 1)
        {
            Add(stream.Documents[1].RootNode.Start, string.Empty, "the file must hold one YAML document, not several");
            return ConfigurationLoadResult.Failure(_errors);
        }

        var root = stream.Documents.Count == 1 ? stream.Documents[0].RootNode : null;
        if (root is null || IsNull(root))
        {
            _errors.Add(new ConfigurationError(_file, 1, 1, "interfaces", "the file is empty; it needs at least an 'interfaces' list"));
            return ConfigurationLoadResult.Failure(_errors);
        }

        var configuration = ReadRoot(root);
        return _errors.Count == 0 && configuration is not null
            ? ConfigurationLoadResult.Success(configuration)
            : ConfigurationLoadResult.Failure(_errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList());
    }

    private DirectorConfiguration? ReadRoot(YamlNode root)
    {
        var map = ReadMapping(root, string.Empty, RootKeys);
        if (map is null)
        {
            return null;
        }

        var interfaces = map.TryGetValue("interfaces", out var interfacesNode)
            ? ReadInterfaces(interfacesNode, "interfaces")
            : MissingInterfaces(root);
        var interfaceNames = interfaces.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);

        var configuration = new DirectorConfiguration { Interfaces = interfaces };
        if (map.TryGetValue("socket", out var node))
        {
            configuration = configuration with { Socket = ReadSocket(node, "socket") };
        }

        if (map.TryGetValue("logging", out node))
        {
            configuration = configuration with { Logging = ReadLogging(node, "logging") };
        }

        if (map.TryGetValue("connections", out node))
        {
            configuration = configuration with { Connections = ReadConnections(node, "connections") };
        }

        if (map.TryGetValue("neighbors", out node))
        {
            configuration = configuration with { Neighbors = ReadNeighbors(node, "neighbors") };
        }

        if (map.TryGetValue("offloads", out node))
        {
            configuration = configuration with { Offloads = ReadOffloads(node, "offloads") };
        }

        if (map.TryGetValue("data_path", out node))
        {
            configuration = configuration with { DataPath = ReadDataPath(node, "data_path") };
        }

        if (map.TryGetValue("kernel_bypass", out node))
        {
            configuration = configuration with { KernelBypass = ReadKernelBypass(node, "kernel_bypass") };
        }

        if (map.TryGetValue("metrics", out node) && !IsNull(node))
        {
            configuration = configuration with { Metrics = ReadMetrics(node, "metrics") };
        }

        if (map.TryGetValue("vrrp", out node) && !IsNull(node))
        {
            configuration = configuration with { Vrrp = ReadVrrp(node, "vrrp", interfaceNames) };
        }

        if (map.TryGetValue("reload", out node))
        {
            configuration = configuration with { Reload = ReadReload(node, "reload") };
        }

        if (map.TryGetValue("firewall_marks", out node) && !IsNull(node))
        {
            configuration = configuration with { FirewallMarks = ReadFirewallMarks(node, "firewall_marks") };
        }

        if (map.TryGetValue("services", out node))
        {
            var marks = configuration.FirewallMarks
                .GroupBy(r => r.Mark)
                .ToDictionary(g => g.Key, g => (HasIpv4: g.Any(r => !IsIpv6(r.Destination)), HasIpv6: g.Any(r => IsIpv6(r.Destination))));
            configuration = configuration with { Services = ReadServices(node, "services", interfaceNames, marks) };
        }

        return configuration;
    }

    private List<InterfaceConfiguration> MissingInterfaces(YamlNode root)
    {
        Add(root.Start, "interfaces", "is required: list at least one interface");
        return [];
    }

    private List<InterfaceConfiguration> ReadInterfaces(YamlNode node, string path)
    {
        var result = new List<InterfaceConfiguration>();
        var items = ReadSequence(node, path);
        if (items is null)
        {
            return result;
        }

        if (items.Count == 0)
        {
            Add(node.Start, path, "list at least one interface");
            return result;
        }

        var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            var item = items[i];
            string? name;
            YamlNode nameNode;
            string? role = null;
            string? comment = null;
            List<InterfaceAddress> addresses = [];
            if (item is YamlMappingNode)
            {
                var map = ReadMapping(item, itemPath, InterfaceKeys);
                if (map is null)
                {
                    continue;
                }

                if (!map.TryGetValue("name", out var n))
                {
                    Add(item.Start, Join(itemPath, "name"), "is required");
                    continue;
                }

                nameNode = n;
                name = ReadString(n, Join(itemPath, "name"), required: true);
                role = map.TryGetValue("role", out var r) ? ReadString(r, Join(itemPath, "role"), required: false) : null;
                comment = map.TryGetValue("comment", out var c) ? ReadString(c, Join(itemPath, "comment"), required: false) : null;
                if (map.TryGetValue("addresses", out var ad) && !IsNull(ad))
                {
                    addresses = ReadInterfaceAddresses(ad, Join(itemPath, "addresses"));
                }

                itemPath = Join(itemPath, "name");
            }
            else
            {
                nameNode = item;
                name = ReadString(item, itemPath, required: true);
            }

            if (name is null)
            {
                continue;
            }

            var problem = ConfigurationValues.ValidateInterfaceName(name);
            if (problem is not null)
            {
                Add(nameNode.Start, itemPath, problem);
                continue;
            }

            if (seen.TryGetValue(name, out var first))
            {
                Add(nameNode.Start, itemPath, $"interface '{name}' is already listed at line {first.Start.Line}");
                continue;
            }

            seen.Add(name, nameNode);
            result.Add(new InterfaceConfiguration(name, role, comment) { Addresses = addresses });
        }

        return result;
    }

    // "addresses: [198.18.0.1/24, 2001:db8:1::1/64]": the interface's own addresses with their on-link prefixes.
    private List<InterfaceAddress> ReadInterfaceAddresses(YamlNode node, string path)
    {
        var result = new List<InterfaceAddress>();
        var items = node is YamlSequenceNode ? ReadSequence(node, path) : [node];
        if (items is null)
        {
            return result;
        }

        var seen = new Dictionary<IPAddress, int>();
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = node is YamlSequenceNode ? $"{path}[{i}]" : path;
            if (ReadString(items[i], itemPath, required: true) is not { } text)
            {
                continue;
            }

            var problem = ConfigurationValues.ParseInterfaceAddress(text, out var address, out var prefixLength);
            if (problem is not null)
            {
                Add(items[i].Start, itemPath, problem);
                continue;
            }

            if (seen.TryGetValue(address, out var first))
            {
                Add(items[i].Start, itemPath, $"address {address} is already listed at line {items[first].Start.Line}");
                continue;
            }

            seen.Add(address, i);
            result.Add(new InterfaceAddress(address, prefixLength));
        }

        return result;
    }

    private SocketConfiguration ReadSocket(YamlNode node, string path)
    {
        var result = new SocketConfiguration();
        var map = ReadMapping(node, path, SocketKeys);
        if (map is null)
        {
            return result;
        }

        if (map.TryGetValue("path", out var p) && ReadString(p, Join(path, "path"), required: true) is { } socketPath)
        {
            var problem = ConfigurationValues.ValidateSocketPath(socketPath);
            if (problem is null)
            {
                result = result with { Path = socketPath };
            }
            else
            {
                Add(p.Start, Join(path, "path"), problem);
            }
        }

        if (map.TryGetValue("group", out var g) && ReadString(g, Join(path, "group"), required: false) is { } group)
        {
            if (group.Length == 0 || group.Any(c => char.IsWhiteSpace(c) || c == ':'))
            {
                Add(g.Start, Join(path, "group"), "must be a group name without whitespace or ':'");
            }
            else
            {
                result = result with { Group = group };
            }
        }

        return result;
    }

    private LoggingConfiguration ReadLogging(YamlNode node, string path)
    {
        var result = new LoggingConfiguration();
        var map = ReadMapping(node, path, LoggingKeys);
        if (map is null)
        {
            return result;
        }

        if (map.TryGetValue("level", out var l) && ReadString(l, Join(path, "level"), required: true) is { } levelText)
        {
            if (ConfigurationValues.TryParseLogLevel(levelText, out var level))
            {
                result = result with { Level = level };
            }
            else
            {
                Add(l.Start, Join(path, "level"), $"unknown level '{levelText}'; use one of {string.Join(", ", ConfigurationValues.LogLevelNames)}");
            }
        }

        if (map.TryGetValue("file", out var f) && ReadString(f, Join(path, "file"), required: false) is { } file)
        {
            if (file.Length > 0 && file[0] == '/')
            {
                result = result with { File = file };
            }
            else
            {
                Add(f.Start, Join(path, "file"), "must be an absolute path");
            }
        }

        return result;
    }

    private ConnectionsConfiguration ReadConnections(YamlNode node, string path)
    {
        var result = new ConnectionsConfiguration();
        var map = ReadMapping(node, path, ConnectionsKeys);
        if (map is null)
        {
            return result;
        }

        if (map.TryGetValue("table_size", out var t)
            && ReadInteger(t, Join(path, "table_size"), ConnectionsConfiguration.MinTableSize, ConnectionsConfiguration.MaxTableSize) is { } size)
        {
            result = result with { TableSize = (int)size };
        }

        if (map.TryGetValue("sloppy_tcp", out var b) && ReadBoolean(b, Join(path, "sloppy_tcp")) is { } sloppy)
        {
            result = result with { SloppyTcp = sloppy };
        }

        if (map.TryGetValue("expire_nodest_conn", out b) && ReadBoolean(b, Join(path, "expire_nodest_conn")) is { } nodest)
        {
            result = result with { ExpireNodestConn = nodest };
        }

        if (map.TryGetValue("expire_quiescent_template", out b) && ReadBoolean(b, Join(path, "expire_quiescent_template")) is { } quiescent)
        {
            result = result with { ExpireQuiescentTemplate = quiescent };
        }

        if (map.TryGetValue("one_packet_reply_timeout", out var o)
            && ReadDuration(o, Join(path, "one_packet_reply_timeout"), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)) is { } reply)
        {
            result = result with { OnePacketReplyTimeout = reply };
        }

        if (map.TryGetValue("timeouts", out var tm) && ReadMapping(tm, Join(path, "timeouts"), TimeoutKeys) is { } timeouts)
        {
            var timeoutsPath = Join(path, "timeouts");
            if (timeouts.TryGetValue("tcp", out var v) && ReadDuration(v, Join(timeoutsPath, "tcp"), TimeSpan.FromSeconds(1), MaxConnectionTimeout) is { } tcp)
            {
                result = result with { TcpTimeout = tcp };
            }

            if (timeouts.TryGetValue("tcp_fin", out v) && ReadDuration(v, Join(timeoutsPath, "tcp_fin"), TimeSpan.FromSeconds(1), MaxConnectionTimeout) is { } fin)
            {
                result = result with { TcpFinTimeout = fin };
            }

            if (timeouts.TryGetValue("udp", out v) && ReadDuration(v, Join(timeoutsPath, "udp"), TimeSpan.FromSeconds(1), MaxConnectionTimeout) is { } udp)
            {
                result = result with { UdpTimeout = udp };
            }
        }

        return result;
    }

    private List<FirewallMarkRule> ReadFirewallMarks(YamlNode node, string path)
    {
        var result = new List<FirewallMarkRule>();
        var items = ReadSequence(node, path);
        if (items is null)
        {
            return result;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            var map = ReadMapping(items[i], itemPath, FirewallMarkKeys);
            if (map is null)
            {
                continue;
            }

            var mark = Require(map, items[i], itemPath, "mark") is { } m ? ReadInteger(m, Join(itemPath, "mark"), 1, uint.MaxValue) : null;

            var protocol = FirewallMarkProtocol.Any;
            var protocolOk = true;
            if (map.TryGetValue("protocol", out var p) && ReadString(p, Join(itemPath, "protocol"), required: true) is { } protocolText)
            {
                FirewallMarkProtocol? parsed = protocolText.ToUpperInvariant() switch
                {
                    "TCP" => FirewallMarkProtocol.Tcp,
                    "UDP" => FirewallMarkProtocol.Udp,
                    "ANY" => FirewallMarkProtocol.Any,
                    _ => null,
                };
                protocolOk = parsed is not null;
                protocol = parsed ?? protocol;
                if (!protocolOk)
                {
                    Add(p.Start, Join(itemPath, "protocol"), $"unknown protocol '{protocolText}'; use tcp, udp or any");
                }
            }

            (IPAddress Address, int Prefix)? destination = null;
            if (Require(map, items[i], itemPath, "destination") is { } d && ReadString(d, Join(itemPath, "destination"), required: true) is { } destinationText)
            {
                var problem = ConfigurationValues.ParsePrefix(destinationText, out var address, out var prefix);
                if (problem is null)
                {
                    destination = (address, prefix);
                }
                else
                {
                    Add(d.Start, Join(itemPath, "destination"), problem);
                }
            }

            var ports = new List<PortRange>();
            var portsOk = !map.TryGetValue("ports", out var pn) || IsNull(pn) || ReadPortRanges(pn, Join(itemPath, "ports"), ports);

            if (mark is null || destination is null || !protocolOk || !portsOk)
            {
                continue;
            }

            result.Add(new FirewallMarkRule((uint)mark.Value, protocol, destination.Value.Address, destination.Value.Prefix, ports));
        }

        return result;
    }

    // Ports as iptables' multiport takes them: a number, a "first-last" range, or a list of those.
    private bool ReadPortRanges(YamlNode node, string path, List<PortRange> ranges)
    {
        var items = node is YamlSequenceNode sequence ? sequence.Children.ToList() : [node];
        var ok = true;
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = node is YamlSequenceNode ? $"{path}[{i}]" : path;
            if (ReadString(items[i], itemPath, required: true) is not { } text)
            {
                ok = false;
                continue;
            }

            var problem = ConfigurationValues.ParsePortRange(text, out var first, out var last);
            if (problem is not null)
            {
                Add(items[i].Start, itemPath, problem);
                ok = false;
                continue;
            }

            ranges.Add(new PortRange(first, last));
        }

        if (items.Count == 0)
        {
            Add(node.Start, path, "list at least one port, or leave 'ports' out to match every port");
            ok = false;
        }

        return ok;
    }

    private NeighborsConfiguration ReadNeighbors(YamlNode node, string path)
    {
        var result = new NeighborsConfiguration();
        var map = ReadMapping(node, path, NeighborsKeys);
        if (map is not null && map.TryGetValue("arp_timeout", out var t)
            && ReadDuration(t, Join(path, "arp_timeout"), TimeSpan.FromSeconds(1), MaxArpTimeout) is { } timeout)
        {
            result = result with { ArpTimeout = timeout };
        }

        return result;
    }

    private ReloadConfiguration ReadReload(YamlNode node, string path)
    {
        var result = new ReloadConfiguration();
        var map = ReadMapping(node, path, ReloadKeys);
        if (map is null)
        {
            return result;
        }

        if (map.TryGetValue("removed_server", out var r) && ReadString(r, Join(path, "removed_server"), required: true) is { } policy)
        {
            switch (policy)
            {
                case "drain":
                    result = result with { RemovedServer = RemovedServerPolicy.Drain };
                    break;
                case "delete":
                    result = result with { RemovedServer = RemovedServerPolicy.Delete };
                    break;
                default:
                    Add(r.Start, Join(path, "removed_server"), $"must be drain or delete, not '{policy}'");
                    break;
            }
        }

        if (map.TryGetValue("drain_timeout", out var t)
            && ReadDuration(t, Join(path, "drain_timeout"), TimeSpan.Zero, TimeSpan.FromDays(1)) is { } timeout)
        {
            result = result with { DrainTimeout = timeout };
        }

        return result;
    }

    private OffloadsConfiguration ReadOffloads(YamlNode node, string path)
    {
        var result = new OffloadsConfiguration();
        var map = ReadMapping(node, path, OffloadsKeys);
        if (map is not null && map.TryGetValue("disable", out var d) && ReadBoolean(d, Join(path, "disable")) is { } disable)
        {
            result = result with { Disable = disable };
        }

        return result;
    }

    private KernelBypassConfiguration ReadKernelBypass(YamlNode node, string path)
    {
        var result = new KernelBypassConfiguration();
        var map = ReadMapping(node, path, KernelBypassKeys);
        if (map is not null && map.TryGetValue("ingress_drop", out var d) && ReadBoolean(d, Join(path, "ingress_drop")) is { } drop)
        {
            result = result with { IngressDrop = drop };
        }

        return result;
    }

    private List<VirtualServiceConfiguration> ReadServices(YamlNode node, string path, HashSet<string> interfaceNames, Dictionary<uint, (bool HasIpv4, bool HasIpv6)> marks)
    {
        var result = new List<VirtualServiceConfiguration>();
        if (IsNull(node))
        {
            return result;
        }

        var items = ReadSequence(node, path);
        if (items is null)
        {
            return result;
        }

        var seen = new Dictionary<ServiceKey, int>();
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            var service = ReadService(items[i], itemPath, interfaceNames, marks);
            if (service is null)
            {
                continue;
            }

            if (seen.TryGetValue(service.Key, out var first))
            {
                Add(items[i].Start, itemPath, $"duplicate of {path}[{first}] ({Describe(service.Key)}, line {items[first].Start.Line})");
                continue;
            }

            seen.Add(service.Key, i);
            result.Add(service);
        }

        return result;
    }

    private VirtualServiceConfiguration? ReadService(YamlNode node, string path, HashSet<string> interfaceNames, Dictionary<uint, (bool HasIpv4, bool HasIpv6)> marks)
    {
        var map = ReadMapping(node, path, ServiceKeys);
        if (map is null)
        {
            return null;
        }

        if (map.TryGetValue("fwmark", out var fwmarkNode))
        {
            return ReadFwmarkService(map, node, fwmarkNode, path, interfaceNames, marks);
        }

        ServiceProtocol? protocol = null;
        if (Require(map, node, path, "protocol") is { } p && ReadString(p, Join(path, "protocol"), required: true) is { } protocolText)
        {
            protocol = protocolText.ToUpperInvariant() switch
            {
                "TCP" => ServiceProtocol.Tcp,
                "UDP" => ServiceProtocol.Udp,
                _ => null,
            };
            if (protocol is null)
            {
                Add(p.Start, Join(path, "protocol"), $"unknown protocol '{protocolText}'; use tcp or udp");
            }
        }

        if (map.TryGetValue("family", out var familyNode))
        {
            Add(familyNode.Start, Join(path, "family"), "only a firewall-mark service takes 'family'; an address service has the family of its address");
        }

        var address = Require(map, node, path, "address") is { } a ? ReadAddress(a, Join(path, "address")) : null;
        var portNode = Require(map, node, path, "port");
        ushort? port = portNode is not null ? ReadPort(portNode, Join(path, "port"), allowZero: true) : null;
        bool? ipv6 = address is null ? null : IsIpv6(address);

        var (scheduler, interfaceName, persistence, onePacket, schedulerFlags) = ReadServiceOptions(map, path, interfaceNames, ipv6);
        if (port == 0 && persistence is null && portNode is not null)
        {
            Add(portNode.Start, Join(path, "port"), "port 0 (all ports) is only for persistent services; add 'persistence' or use a port between 1 and 65535");
            port = null;
        }

        if (onePacket && protocol == ServiceProtocol.Tcp && map.TryGetValue("one_packet", out var opNode))
        {
            Add(opNode.Start, Join(path, "one_packet"), "one-packet scheduling is only for UDP virtual services");
        }

        var (serviceCheck, checkOk) = ReadServiceHealthCheck(map, path);
        var servers = new List<RealServerConfiguration>();
        if (map.TryGetValue("real_servers", out var rs) && !IsNull(rs))
        {
            ReadRealServers(rs, Join(path, "real_servers"), port, port == 0, ipv6, serviceCheck, servers);
        }

        var sorry = map.TryGetValue("sorry_server", out var ss) && !IsNull(ss)
            ? ReadSorryServer(ss, Join(path, "sorry_server"), port, port == 0, ipv6, servers)
            : null;

        if (protocol is null || address is null || port is null || !checkOk)
        {
            return null;
        }

        return new VirtualServiceConfiguration
        {
            Protocol = protocol.Value,
            Address = address,
            Port = port.Value,
            Scheduler = scheduler,
            Interface = interfaceName,
            Persistence = persistence,
            OnePacket = onePacket,
            SchedulerFlags = schedulerFlags,
            RealServers = servers,
            HealthCheck = serviceCheck,
            SorryServer = sorry,
        };
    }

    private VirtualServiceConfiguration? ReadFwmarkService(Dictionary<string, YamlNode> map, YamlNode node, YamlNode fwmarkNode, string path, HashSet<string> interfaceNames, Dictionary<uint, (bool HasIpv4, bool HasIpv6)> marks)
    {
        foreach (var key in new[] { "protocol", "address", "port" })
        {
            if (map.TryGetValue(key, out var extra))
            {
                Add(extra.Start, Join(path, key), "a firewall-mark service has no protocol, address or port; its 'firewall_marks' rules say which frames it takes");
            }
        }

        var mark = ReadInteger(fwmarkNode, Join(path, "fwmark"), 1, uint.MaxValue);
        var families = (HasIpv4: false, HasIpv6: false);
        if (mark is not null && !marks.TryGetValue((uint)mark.Value, out families))
        {
            Add(fwmarkNode.Start, Join(path, "fwmark"), $"no 'firewall_marks' rule sets mark {mark.Value}, so the service would never see a packet");
            mark = null;
        }

        // IPVS keeps a mark service per family (ipvsadm -f MARK or -f MARK -6): the family is said with 'family', or
        // follows from the rules setting the mark when they are all of one family.
        bool? ipv6 = null;
        var familyOk = true;
        if (map.TryGetValue("family", out var familyNode) && ReadString(familyNode, Join(path, "family"), required: true) is { } familyText)
        {
            ipv6 = familyText.ToUpperInvariant() switch
            {
                "IPV4" or "INET" => false,
                "IPV6" or "INET6" => true,
                _ => null,
            };
            if (ipv6 is null)
            {
                Add(familyNode.Start, Join(path, "family"), $"unknown family '{familyText}'; use ipv4 or ipv6");
                familyOk = false;
            }
            else if (mark is not null && !(ipv6.Value ? families.HasIpv6 : families.HasIpv4))
            {
                Add(familyNode.Start, Join(path, "family"), $"no {(ipv6.Value ? "IPv6" : "IPv4")} 'firewall_marks' rule sets mark {mark.Value}, so the service would never see a packet");
                familyOk = false;
            }
        }
        else if (familyNode is null && mark is not null)
        {
            if (families.HasIpv4 && families.HasIpv6)
            {
                Add(fwmarkNode.Start, Join(path, "family"), $"mark {mark.Value} is set by IPv4 and IPv6 rules; say 'family: ipv4' or 'family: ipv6' (list the service twice for both)");
                familyOk = false;
            }
            else
            {
                ipv6 = families.HasIpv6;
            }
        }
        else if (familyNode is not null)
        {
            familyOk = false;
        }

        var (scheduler, interfaceName, persistence, onePacket, schedulerFlags) = ReadServiceOptions(map, path, interfaceNames, ipv6);
        var (serviceCheck, checkOk) = ReadServiceHealthCheck(map, path);
        var servers = new List<RealServerConfiguration>();
        if (map.TryGetValue("real_servers", out var rs) && !IsNull(rs))
        {
            ReadRealServers(rs, Join(path, "real_servers"), 0, true, ipv6, serviceCheck, servers);
        }

        var sorry = map.TryGetValue("sorry_server", out var ss) && !IsNull(ss)
            ? ReadSorryServer(ss, Join(path, "sorry_server"), 0, true, ipv6, servers)
            : null;

        if (mark is null || !familyOk || !checkOk)
        {
            return null;
        }

        return new VirtualServiceConfiguration
        {
            Protocol = ServiceProtocol.Tcp,
            Address = ipv6 == true ? IPAddress.IPv6Any : IPAddress.Any,
            Port = 0,
            Fwmark = (uint)mark.Value,
            Scheduler = scheduler,
            Interface = interfaceName,
            Persistence = persistence,
            OnePacket = onePacket,
            SchedulerFlags = schedulerFlags,
            RealServers = servers,
            HealthCheck = serviceCheck,
            SorryServer = sorry,
        };
    }

    private (string Scheduler, string? Interface, PersistenceConfiguration? Persistence, bool OnePacket, SchedulerFlags SchedulerFlags) ReadServiceOptions(
        Dictionary<string, YamlNode> map, string path, HashSet<string> interfaceNames, bool? ipv6)
    {
        var scheduler = VirtualServiceConfiguration.DefaultScheduler;
        if (map.TryGetValue("scheduler", out var s) && ReadString(s, Join(path, "scheduler"), required: true) is { } schedulerText)
        {
            var name = schedulerText.ToLowerInvariant();
            if (SchedulerRegistry.IsKnown(name))
            {
                scheduler = name;
            }
            else
            {
                var hint = ConfigurationValues.Nearest(name, SchedulerRegistry.Names) is { } near ? $"did you mean '{near}'? " : string.Empty;
                Add(s.Start, Join(path, "scheduler"), $"unknown scheduler '{schedulerText}'; {hint}known: {string.Join(", ", SchedulerRegistry.Names.Order(StringComparer.Ordinal))}");
            }
        }

        string? interfaceName = null;
        if (map.TryGetValue("interface", out var n) && ReadString(n, Join(path, "interface"), required: false) is { } requested)
        {
            if (interfaceNames.Contains(requested))
            {
                interfaceName = requested;
            }
            else
            {
                Add(n.Start, Join(path, "interface"), $"'{requested}' is not one of the interfaces listed under 'interfaces'");
            }
        }

        var persistence = map.TryGetValue("persistence", out var pe) && !IsNull(pe) ? ReadPersistence(pe, Join(path, "persistence"), ipv6) : null;
        var onePacket = map.TryGetValue("one_packet", out var op) && ReadBoolean(op, Join(path, "one_packet")) == true;
        var flags = SchedulerFlags.None;
        if (map.TryGetValue("scheduler_flags", out var f) && !IsNull(f))
        {
            var flagPath = Join(path, "scheduler_flags");
            var names = f is YamlSequenceNode list
                ? list.Children.Select(c => c is YamlScalarNode scalar ? scalar.Value ?? string.Empty : string.Empty).ToList()
                : [f is YamlScalarNode one ? one.Value ?? string.Empty : string.Empty];
            if (!SchedulerRegistry.TryParseFlags(scheduler, names, out flags) || names.Any(n => n.Length == 0))
            {
                Add(f.Start, flagPath, $"scheduler flags [{string.Join(", ", names)}] do not apply to scheduler '{scheduler}'; use sh-fallback, sh-port (sh), mh-fallback, mh-port (mh) or flag-1..flag-3");
                flags = SchedulerFlags.None;
            }
        }

        return (scheduler, interfaceName, persistence, onePacket, flags);
    }

    private PersistenceConfiguration? ReadPersistence(YamlNode node, string path, bool? ipv6)
    {
        var map = ReadMapping(node, path, PersistenceKeys);
        if (map is null)
        {
            return null;
        }

        var result = new PersistenceConfiguration();
        if (map.TryGetValue("timeout", out var t) && ReadDuration(t, Join(path, "timeout"), TimeSpan.FromSeconds(1), MaxPersistenceTimeout) is { } timeout)
        {
            result = result with { Timeout = timeout };
        }

        if (map.TryGetValue("prefix_length", out var pl))
        {
            if (ipv6 == false)
            {
                Add(pl.Start, Join(path, "prefix_length"), "is for IPv6 services (ipvsadm -M PREFIX); an IPv4 service groups clients with 'netmask'");
            }
            else if (ReadInteger(pl, Join(path, "prefix_length"), 1, 128) is { } prefixLength)
            {
                result = result with { PrefixLength = (int)prefixLength };
            }
        }

        if (map.TryGetValue("netmask", out var m) && ipv6 == true)
        {
            Add(m.Start, Join(path, "netmask"), "an IPv6 service groups clients by 'prefix_length' (1..128, ipvsadm -M for IPv6), not a dotted netmask");
        }
        else if (m is not null && ReadString(m, Join(path, "netmask"), required: true) is { } maskText)
        {
            var problem = ConfigurationValues.ParseNetmask(maskText, out var mask);
            if (problem is null)
            {
                result = result with { Netmask = mask };
            }
            else
            {
                Add(m.Start, Join(path, "netmask"), problem);
            }
        }

        return result;
    }

    private void ReadRealServers(YamlNode node, string path, ushort? servicePort, bool zeroPortAllowed, bool? serviceIsIpv6, HealthCheckSettings? serviceCheck, List<RealServerConfiguration> result)
    {
        var items = ReadSequence(node, path);
        if (items is null)
        {
            return;
        }

        var seen = new Dictionary<(IPAddress, ushort), int>();
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            var map = ReadMapping(items[i], itemPath, RealServerKeys);
            if (map is null)
            {
                continue;
            }

            var addressNode = Require(map, items[i], itemPath, "address");
            var address = addressNode is not null ? ReadAddress(addressNode, Join(itemPath, "address")) : null;
            if (address is not null && serviceIsIpv6 is { } familyV6 && IsIpv6(address) != familyV6)
            {
                Add(addressNode!.Start, Join(itemPath, "address"),
                    $"{(IsIpv6(address) ? "IPv6" : "IPv4")} real server for an {(familyV6 ? "IPv6" : "IPv4")} service: address families do not mix (IPVS allows it only for tunnelled servers; lvsd refuses it)");
                address = null;
            }

            // Without a port of its own a real server takes the service's, as ipvsadm -r ADDR does.
            // Port 0 (firewall-mark and port-zero services) forwards to the packet's own port.
            var port = map.TryGetValue("port", out var p) ? ReadPort(p, Join(itemPath, "port"), zeroPortAllowed) : servicePort;

            uint upper = 0;
            uint lower = 0;
            var thresholdsOk = true;
            if (map.TryGetValue("upper_threshold", out var ut))
            {
                var parsed = ReadInteger(ut, Join(itemPath, "upper_threshold"), 0, int.MaxValue);
                thresholdsOk &= parsed is not null;
                upper = (uint)(parsed ?? 0);
            }

            if (map.TryGetValue("lower_threshold", out var lt))
            {
                var parsed = ReadInteger(lt, Join(itemPath, "lower_threshold"), 0, int.MaxValue);
                thresholdsOk &= parsed is not null;
                lower = (uint)(parsed ?? 0);
                if (parsed is not null && lower > upper)
                {
                    Add(lt.Start, Join(itemPath, "lower_threshold"), $"must not be above upper_threshold ({upper}); IPVS refuses it");
                    thresholdsOk = false;
                }
            }

            var weight = 1;
            var weightOk = true;
            if (map.TryGetValue("weight", out var w))
            {
                var parsed = ReadInteger(w, Join(itemPath, "weight"), 0, 65535);
                weightOk = parsed is not null;
                weight = (int)(parsed ?? 1);
            }

            var method = ForwardingMethod.DirectRouting;
            var methodOk = true;
            if (map.TryGetValue("method", out var m) && ReadString(m, Join(itemPath, "method"), required: true) is { } methodText)
            {
                ForwardingMethod? parsed = methodText.ToUpperInvariant() switch
                {
                    "MASQ" => ForwardingMethod.Masquerade,
                    "ROUTE" => ForwardingMethod.DirectRouting,
                    "TUNNEL" => ForwardingMethod.Tunnel,
                    _ => null,
                };
                methodOk = parsed is not null;
                method = parsed ?? method;
                if (!methodOk)
                {
                    Add(m.Start, Join(itemPath, "method"), $"unknown method '{methodText}'; use masq (NAT, -m), route (direct routing, -g) or tunnel (IPIP, -i)");
                }
            }

            if (methodOk && method != ForwardingMethod.Masquerade && port is { } given && given != (servicePort ?? 0))
            {
                // Without NAT nothing rewrites the port: IPVS (and ipvsadm, which overrides it) sends DR/TUN packets to the VIP's port.
                Add(p!.Start, Join(itemPath, "port"),
                    $"must equal the service port ({servicePort ?? 0}) for method '{(method == ForwardingMethod.DirectRouting ? "route" : "tunnel")}': only masq (NAT) can change ports");
                methodOk = false;
            }

            var tunnelType = TunnelType.Ipip;
            ushort tunnelPort = 0;
            if (map.TryGetValue("tun_type", out var tt) && ReadString(tt, Join(itemPath, "tun_type"), required: true) is { } tunText)
            {
                TunnelType? parsed = tunText.ToUpperInvariant() switch
                {
                    "IPIP" => TunnelType.Ipip,
                    "GUE" => TunnelType.Gue,
                    _ => null,
                };
                if (parsed is null)
                {
                    Add(tt.Start, Join(itemPath, "tun_type"), $"unknown tunnel type '{tunText}'; use ipip or gue");
                    methodOk = false;
                }
                else if (method != ForwardingMethod.Tunnel)
                {
                    Add(tt.Start, Join(itemPath, "tun_type"), "only applies to method: tunnel");
                    methodOk = false;
                }
                else if (parsed == TunnelType.Gue && address is { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 })
                {
                    // The IPv6 data path tunnels as 6in6 only; accepting gue here would silently send something else.
                    Add(tt.Start, Join(itemPath, "tun_type"), "gue is not supported for IPv6 real servers: they are tunnelled as 6in6 (use ipip or leave tun_type out)");
                    methodOk = false;
                }

                tunnelType = parsed ?? tunnelType;
            }

            if (map.TryGetValue("tun_port", out var tp))
            {
                var parsed = ReadPort(tp, Join(itemPath, "tun_port"));
                methodOk &= parsed is not null;
                tunnelPort = parsed ?? 0;
                if (parsed is not null && tunnelType != TunnelType.Gue)
                {
                    Add(tp.Start, Join(itemPath, "tun_port"), "only applies to tun_type: gue");
                    methodOk = false;
                }
            }
            else if (tunnelType == TunnelType.Gue)
            {
                Add(tt!.Start, Join(itemPath, "tun_port"), "is required with tun_type: gue (the real server's GUE UDP port)");
                methodOk = false;
            }

            // A server's own block replaces the service's entirely (type: none switches checking off for it).
            var check = serviceCheck;
            var checkOk = !map.TryGetValue("health_check", out var hc) || ReadHealthCheck(hc, Join(itemPath, "health_check"), out check);
            if (checkOk && port == 0 && check is { Port: 0, Type: not (HealthCheckType.Ping or HealthCheckType.Exec) })
            {
                // A firewall-mark or port-zero service's server takes every port; a connect needs one.
                Add((hc ?? items[i]).Start, Join(itemPath, "health_check.port"), "is required: the server has no port of its own to check (firewall-mark or port-zero service)");
                checkOk = false;
            }

            if (address is null || port is null || !weightOk || !methodOk || !thresholdsOk || !checkOk)
            {
                continue;
            }

            if (seen.TryGetValue((address, port.Value), out var first))
            {
                Add(items[i].Start, itemPath, $"duplicate of real_servers[{first}] ({new IPEndPoint(address, port.Value)}, line {items[first].Start.Line})");
                continue;
            }

            seen.Add((address, port.Value), i);
            result.Add(new RealServerConfiguration(address, port.Value, weight, method)
            {
                UpperThreshold = upper,
                LowerThreshold = lower,
                TunnelType = tunnelType,
                TunnelPort = tunnelPort,
                HealthCheck = check,
            });
        }
    }

    private Dictionary<string, YamlNode>? ReadMapping(YamlNode node, string path, string[] knownKeys)
    {
        if (node is not YamlMappingNode mapping)
        {
            Add(node.Start, path, $"must be a mapping of {string.Join(", ", knownKeys)}");
            return null;
        }

        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Add(keyNode.Start, path, "keys must be plain names");
                continue;
            }

            if (Array.IndexOf(knownKeys, key) < 0)
            {
                var hint = ConfigurationValues.Nearest(key, knownKeys) is { } near ? $"did you mean '{near}'?" : $"known keys: {string.Join(", ", knownKeys)}";
                Add(keyNode.Start, Join(path, key), $"unknown key; {hint}");
                continue;
            }

            result.Add(key, value);
        }

        return result;
    }

    private List<YamlNode>? ReadSequence(YamlNode node, string path)
    {
        if (node is YamlSequenceNode sequence)
        {
            return sequence.Children.ToList();
        }

        Add(node.Start, path, "must be a list");
        return null;
    }

    private YamlNode? Require(Dictionary<string, YamlNode> map, YamlNode owner, string path, string key)
    {
        if (map.TryGetValue(key, out var value))
        {
            return value;
        }

        Add(owner.Start, Join(path, key), "is required");
        return null;
    }

    private string? ReadString(YamlNode node, string path, bool required)
    {
        if (node is not YamlScalarNode scalar)
        {
            Add(node.Start, path, "must be a single value, not a list or mapping");
            return null;
        }

        if (IsNull(scalar))
        {
            if (required)
            {
                Add(node.Start, path, "must not be empty");
            }

            return null;
        }

        return scalar.Value ?? string.Empty;
    }

    private long? ReadInteger(YamlNode node, string path, long min, long max)
    {
        if (node is not YamlScalarNode scalar || IsNull(scalar))
        {
            Add(node.Start, path, $"must be an integer between {min} and {max}");
            return null;
        }

        var text = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain)
        {
            Add(node.Start, path, $"must be an integer, not a quoted string (write {text} without quotes)");
            return null;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Add(node.Start, path, $"'{text}' is not an integer");
            return null;
        }

        if (value < min || value > max)
        {
            Add(node.Start, path, $"must be between {min} and {max}");
            return null;
        }

        return value;
    }

    private bool? ReadBoolean(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text })
        {
            // YAML 1.2 core schema booleans only; yes/no/on/off are YAML 1.1 and ambiguous between parsers.
            switch (text)
            {
                case "true" or "True" or "TRUE": return true;
                case "false" or "False" or "FALSE": return false;
            }
        }

        Add(node.Start, path, "must be true or false");
        return null;
    }

    private TimeSpan? ReadDuration(YamlNode node, string path, TimeSpan min, TimeSpan max)
    {
        if (ReadString(node, path, required: true) is not { } text)
        {
            return null;
        }

        var problem = ConfigurationValues.ParseDuration(text, out var duration);
        if (problem is null && (duration < min || duration > max))
        {
            problem = $"must be between {Format(min)} and {Format(max)}";
        }

        if (problem is not null)
        {
            Add(node.Start, path, problem);
            return null;
        }

        return duration;
    }

    private IPAddress? ReadAddress(YamlNode node, string path)
    {
        if (ReadString(node, path, required: true) is not { } text)
        {
            return null;
        }

        var problem = ConfigurationValues.ParseUnicastAddress(text, out var address);
        if (problem is not null)
        {
            Add(node.Start, path, problem);
            return null;
        }

        return address;
    }

    private ushort? ReadPort(YamlNode node, string path, bool allowZero = false)
    {
        if (!allowZero && node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "0" })
        {
            Add(node.Start, path, "port 0 (the packet's port) is only for firewall-mark and port-zero services; must be between 1 and 65535");
            return null;
        }

        return ReadInteger(node, path, allowZero ? 0 : 1, 65535) is { } port ? (ushort)port : null;
    }

    private void Add(Mark mark, string path, string message) =>
        _errors.Add(new ConfigurationError(_file, ToInt(mark.Line), ToInt(mark.Column), path, message));

    private static int ToInt(long value) => (int)Math.Clamp(value, 0, int.MaxValue);

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static bool IsIpv6(IPAddress address) => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string Describe(ServiceKey key) => key.ToString();

    private static string Format(TimeSpan span) =>
        span.TotalSeconds >= 1 && span.Ticks % TimeSpan.TicksPerSecond == 0
            ? $"{((long)span.TotalSeconds).ToString(CultureInfo.InvariantCulture)}s"
            : $"{((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}ms";

    private static string SyntaxMessage(YamlException ex)
    {
        // YamlDotNet prefixes "(Line: x, Col: y, Idx: z) - (...): " to the message; the location is already in front.
        var message = ex.Message;
        var marker = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && marker >= 0 ? message[(marker + 3)..] : message;
    }
}
