using System.Net;
using LvsDirector.Health;
using LvsDirector.Services;
using YamlDotNet.RepresentationModel;

namespace LvsDirector.Configuration;

/// <summary>health_check blocks (service default, per-server override) and sorry_server, kept apart from the main reader.</summary>
internal sealed partial class ConfigurationReader
{
    private static readonly string[] HealthCheckKeys =
        ["type", "interval", "retry_interval", "timeout", "fall", "rise", "initial", "port", "path", "host", "status", "expect", "digest", "command"];

    private static readonly string[] HttpOnlyKeys = ["path", "host", "status", "expect", "digest"];
    private static readonly string[] SorryServerKeys = ["address", "port", "method"];
    private static readonly TimeSpan MinCheckDuration = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxCheckDuration = TimeSpan.FromHours(1);

    private (HealthCheckSettings? Check, bool Ok) ReadServiceHealthCheck(Dictionary<string, YamlNode> map, string path)
    {
        if (!map.TryGetValue("health_check", out var node) || IsNull(node))
        {
            return (null, true);
        }

        var ok = ReadHealthCheck(node, Join(path, "health_check"), out var check);
        return (check, ok);
    }

    /// <summary>Reads a health_check block; false when it has errors. <paramref name="settings"/> is null for type none.</summary>
    private bool ReadHealthCheck(YamlNode node, string path, out HealthCheckSettings? settings)
    {
        settings = null;
        var map = ReadMapping(node, path, HealthCheckKeys);
        if (map is null)
        {
            return false;
        }

        if (!map.TryGetValue("type", out var typeNode))
        {
            Add(node.Start, Join(path, "type"), "is required when 'health_check' is present: tcp, http, https, ping, exec or none");
            return false;
        }

        if (ReadString(typeNode, Join(path, "type"), required: true) is not { } typeText)
        {
            return false;
        }

        HealthCheckType? type = typeText.ToUpperInvariant() switch
        {
            "TCP" => HealthCheckType.Tcp,
            "HTTP" => HealthCheckType.Http,
            "HTTPS" => HealthCheckType.Https,
            "PING" => HealthCheckType.Ping,
            "EXEC" => HealthCheckType.Exec,
            _ => null,
        };
        if (typeText.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            // "type: none" says "never checked"; anything else in the block would be ignored, so it is refused.
            foreach (var key in map.Keys.Where(k => k != "type"))
            {
                Add(map[key].Start, Join(path, key), "does not apply to type: none (the server is never checked)");
            }

            return map.Count == 1;
        }

        if (type is null)
        {
            Add(typeNode.Start, Join(path, "type"), $"unknown health check type '{typeText}'; use tcp, http, https, ping, exec or none");
            return false;
        }

        var errorsBefore = _errors.Count;
        var result = new HealthCheckSettings(type.Value);
        if (map.TryGetValue("interval", out var n) && ReadDuration(n, Join(path, "interval"), MinCheckDuration, MaxCheckDuration) is { } interval)
        {
            result = result with { Interval = interval };
        }

        if (map.TryGetValue("retry_interval", out n) && ReadDuration(n, Join(path, "retry_interval"), MinCheckDuration, MaxCheckDuration) is { } retry)
        {
            result = result with { RetryInterval = retry };
        }

        if (map.TryGetValue("timeout", out n) && ReadDuration(n, Join(path, "timeout"), MinCheckDuration, MaxCheckDuration) is { } timeout)
        {
            result = result with { Timeout = timeout };
        }

        if (map.TryGetValue("fall", out n) && ReadInteger(n, Join(path, "fall"), 1, HealthCheckSettings.MaxCount) is { } fall)
        {
            result = result with { Fall = (int)fall };
        }

        if (map.TryGetValue("rise", out n) && ReadInteger(n, Join(path, "rise"), 1, HealthCheckSettings.MaxCount) is { } rise)
        {
            result = result with { Rise = (int)rise };
        }

        if (map.TryGetValue("initial", out n) && ReadString(n, Join(path, "initial"), required: true) is { } initial)
        {
            if (initial is "up" or "down")
            {
                result = result with { InitiallyUp = initial == "up" };
            }
            else
            {
                Add(n.Start, Join(path, "initial"), $"must be up or down, not '{initial}'");
            }
        }

        if (map.TryGetValue("port", out n))
        {
            if (type == HealthCheckType.Ping)
            {
                Add(n.Start, Join(path, "port"), "does not apply to type: ping");
            }
            else if (ReadPort(n, Join(path, "port")) is { } port)
            {
                result = result with { Port = port };
            }
        }

        var http = type is HealthCheckType.Http or HealthCheckType.Https;
        foreach (var key in HttpOnlyKeys)
        {
            if (!http && map.TryGetValue(key, out var extra))
            {
                Add(extra.Start, Join(path, key), "only applies to type: http or https");
            }
        }

        if (http)
        {
            result = ReadHttpCheck(map, path, result);
        }

        if (map.TryGetValue("command", out n))
        {
            if (type != HealthCheckType.Exec)
            {
                Add(n.Start, Join(path, "command"), "only applies to type: exec");
            }
            else if (ReadString(n, Join(path, "command"), required: true) is { } command)
            {
                var problem = SplitCommand(command, out var arguments);
                if (problem is null)
                {
                    result = result with { Command = arguments };
                }
                else
                {
                    Add(n.Start, Join(path, "command"), problem);
                }
            }
        }
        else if (type == HealthCheckType.Exec)
        {
            Add(node.Start, Join(path, "command"), "is required with type: exec, e.g. command: \"/usr/local/bin/check-rs %a %p\"");
        }

        if (_errors.Count != errorsBefore)
        {
            return false;
        }

        settings = result;
        return true;
    }

    private HealthCheckSettings ReadHttpCheck(Dictionary<string, YamlNode> map, string path, HealthCheckSettings result)
    {
        if (map.TryGetValue("path", out var n) && ReadString(n, Join(path, "path"), required: true) is { } requestPath)
        {
            if (requestPath.Length == 0 || requestPath[0] != '/' || requestPath.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                Add(n.Start, Join(path, "path"), "must start with '/' and hold no spaces or control characters");
            }
            else
            {
                result = result with { Path = requestPath };
            }
        }

        if (map.TryGetValue("host", out n) && ReadString(n, Join(path, "host"), required: true) is { } host)
        {
            if (host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '/'))
            {
                Add(n.Start, Join(path, "host"), "must be a host name (optionally with :port) without spaces or '/'");
            }
            else
            {
                result = result with { Host = host };
            }
        }

        if (map.TryGetValue("status", out n) && !IsNull(n))
        {
            var statusPath = Join(path, "status");
            var items = n is YamlSequenceNode ? ReadSequence(n, statusPath) ?? [] : [n];
            var codes = new List<int>();
            for (var i = 0; i < items.Count; i++)
            {
                if (ReadInteger(items[i], n is YamlSequenceNode ? $"{statusPath}[{i}]" : statusPath, 100, 599) is { } code)
                {
                    codes.Add((int)code);
                }
            }

            if (items.Count == 0)
            {
                Add(n.Start, statusPath, "list at least one status code, e.g. [200]");
            }

            result = result with { StatusCodes = [.. codes.Distinct().Order()] };
        }

        if (map.TryGetValue("expect", out n) && ReadString(n, Join(path, "expect"), required: true) is { } expect)
        {
            result = result with { Expect = expect };
        }

        if (map.TryGetValue("digest", out n) && ReadString(n, Join(path, "digest"), required: true) is { } digest)
        {
            if (digest.Length == 32 && digest.All(char.IsAsciiHexDigit))
            {
                result = result with { Digest = digest.ToLowerInvariant() };
            }
            else
            {
                Add(n.Start, Join(path, "digest"), "must be the MD5 of the body as 32 hex digits (keepalived digest; genhash prints it)");
            }
        }

        return result;
    }

    /// <summary>Splits on spaces; "double quotes" keep spaces together. No other shell syntax: nothing runs a shell.</summary>
    internal static string? SplitCommand(string command, out IReadOnlyList<string> arguments)
    {
        var result = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in command)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any)
                {
                    result.Add(current.ToString());
                    current.Clear();
                    any = false;
                }
            }
            else
            {
                current.Append(c);
                any = true;
            }
        }

        if (any)
        {
            result.Add(current.ToString());
        }

        arguments = result;
        if (quoted)
        {
            return "has an unterminated double quote";
        }

        if (result.Count == 0)
        {
            return "must name a program";
        }

        return result[0].StartsWith('/') ? null : $"the program must be an absolute path (no shell or PATH search), not '{result[0]}'";
    }

    /// <summary>Reads sorry_server; null when absent or wrong.</summary>
    private RealServerConfiguration? ReadSorryServer(YamlNode node, string path, ushort? servicePort, bool zeroPortAllowed, bool? serviceIsIpv6, IReadOnlyList<RealServerConfiguration> servers)
    {
        var map = ReadMapping(node, path, SorryServerKeys);
        if (map is null)
        {
            return null;
        }

        var addressNode = Require(map, node, path, "address");
        var address = addressNode is not null ? ReadAddress(addressNode, Join(path, "address")) : null;
        if (address is not null && serviceIsIpv6 is { } v6 && IsIpv6(address) != v6)
        {
            Add(addressNode!.Start, Join(path, "address"), $"{(IsIpv6(address) ? "IPv6" : "IPv4")} sorry server for an {(v6 ? "IPv6" : "IPv4")} service: address families do not mix");
            address = null;
        }

        var port = map.TryGetValue("port", out var p) ? ReadPort(p, Join(path, "port"), zeroPortAllowed) : servicePort;
        var method = ForwardingMethod.DirectRouting;
        var ok = true;
        if (map.TryGetValue("method", out var m) && ReadString(m, Join(path, "method"), required: true) is { } methodText)
        {
            ForwardingMethod? parsed = methodText.ToUpperInvariant() switch
            {
                "MASQ" or "MASQUERADING" => ForwardingMethod.Masquerade,
                "ROUTE" or "GATEWAYING" or "DROUTE" or "GATE" => ForwardingMethod.DirectRouting,
                "TUNNEL" or "IPIP" => ForwardingMethod.Tunnel,
                _ => null,
            };
            if (parsed is null)
            {
                Add(m.Start, Join(path, "method"), $"unknown method '{methodText}'; use masq, route (gatewaying, droute) or tunnel (ipip)");
                ok = false;
            }

            method = parsed ?? method;
        }

        if (ok && method != ForwardingMethod.Masquerade && p is not null && port is { } given && given != (servicePort ?? 0))
        {
            Add(p.Start, Join(path, "port"), $"must equal the service port ({servicePort ?? 0}) unless method is masq: only NAT can change ports");
            ok = false;
        }

        if (address is null || port is null || !ok)
        {
            return null;
        }

        if (servers.Any(s => s.Port == port && s.Address.Equals(address)))
        {
            Add(node.Start, path, $"{new IPEndPoint(address, port.Value)} is also a real server of this service; a sorry server must be another one");
            return null;
        }

        return new RealServerConfiguration(address, port.Value, 1, method);
    }
}
