using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LvsDirector.Control;

namespace LvsDirector.Admin;

/// <summary>
/// Reads an ipvsadm 1.31 command line: the first switch must be the command (or -h/-v), the rest are options
/// checked against ipvsadm's command/option table, with its defaults (wlc, -g, weight 1, 300 s persistence)
/// and its messages and exit codes (via <see cref="CommandLineException"/>).
/// </summary>
internal sealed class CommandLineParser
{
    /// <summary>ipvsadm's MAX_TIMEOUT: 31 days.</summary>
    public const int MaxTimeout = 86400 * 31;

    /// <summary>ipvsadm's DEF_SCHED.</summary>
    public const string DefaultScheduler = "wlc";

    /// <summary>IPVS_SVC_PERSISTENT_TIMEOUT: -p without a value.</summary>
    public const uint DefaultPersistenceTimeout = 300;

    private readonly INameService _names;

    public CommandLineParser(INameService names)
    {
        ArgumentNullException.ThrowIfNull(names);
        _names = names;
    }

    public AdminCommand Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var state = new CommandLineParseState();
        var leftovers = new List<string>();
        var sawCommand = false;
        var sawAnything = false;

        foreach (var token in OptionTokenizer.Tokenize(args, leftovers))
        {
            sawAnything = true;
            if (token.Spec is null)
            {
                // popt fails the first poptGetNextOpt: ipvsadm only says "Try ... -h".
                throw sawCommand ? CommandLineException.Popt(token.Text, token.Error ?? "unknown option") : CommandLineException.TryHelp();
            }

            if (token.Spec.Id == OptionId.Socket)
            {
                state.Command.SocketPath = token.Value;
                continue;
            }

            if (!sawCommand)
            {
                sawCommand = true;
                var first = CommandOf(token.Spec.Id);
                if (first is AdminCommandKind.Help or AdminCommandKind.Version)
                {
                    state.Command.Kind = first;
                    return state.Command;
                }

                if (first == AdminCommandKind.None)
                {
                    throw CommandLineException.TryHelp();
                }

                state.Command.Kind = first;
                continue;
            }

            ApplyOption(state, token);
        }

        if (!sawCommand)
        {
            // A bare "lvsadm" (perhaps with --socket) lists the table, as ipvsadm does without arguments.
            if (leftovers.Count == 0 && (!sawAnything || state.Command.SocketPath is not null))
            {
                state.Command.Kind = AdminCommandKind.List;
                return state.Command;
            }

            throw CommandLineException.TryHelp();
        }

        var next = 0;
        if (state.Command.Kind == AdminCommandKind.SetTimeouts)
        {
            if (leftovers.Count < 3)
            {
                throw CommandLineException.Fail("--set option requires 3 timeout values");
            }

            state.Command.Timeouts = new ControlTimeouts(
                ParseTimeout(leftovers[0], 0),
                ParseTimeout(leftovers[1], 0),
                ParseTimeout(leftovers[2], 0));
            next = 3;
        }

        if (next < leftovers.Count)
        {
            throw CommandLineException.Fail($"unexpected argument {leftovers[next]}");
        }

        OptionMatrix.Check(state.Command.Kind, state.Given);
        Finish(state);
        return state.Command;
    }

    private static AdminCommandKind CommandOf(OptionId id) => id switch
    {
        OptionId.AddService => AdminCommandKind.AddService,
        OptionId.EditService => AdminCommandKind.EditService,
        OptionId.DeleteService => AdminCommandKind.DeleteService,
        OptionId.Clear => AdminCommandKind.Clear,
        OptionId.List => AdminCommandKind.List,
        OptionId.Zero => AdminCommandKind.Zero,
        OptionId.AddServer => AdminCommandKind.AddServer,
        OptionId.EditServer => AdminCommandKind.EditServer,
        OptionId.DeleteServer => AdminCommandKind.DeleteServer,
        OptionId.Set => AdminCommandKind.SetTimeouts,
        OptionId.Restore => AdminCommandKind.Restore,
        OptionId.Save => AdminCommandKind.Save,
        OptionId.Help => AdminCommandKind.Help,
        OptionId.Version => AdminCommandKind.Version,
        OptionId.Reload => AdminCommandKind.Reload,
        _ => AdminCommandKind.None,
    };

    private void ApplyOption(CommandLineParseState state, OptionToken token)
    {
        var command = state.Command;
        var value = token.Value;
        switch (token.Spec!.Id)
        {
            case OptionId.TcpService:
            case OptionId.UdpService:
            {
                state.Set(OptionBit.Service);
                var protocol = token.Spec.Id == OptionId.TcpService ? ControlProtocol.Tcp : ControlProtocol.Udp;
                var endpoint = HostPortParser.Parse(value!, protocol, _names)
                    ?? throw CommandLineException.Fail("illegal virtual server address[:port] specified");
                command.ServiceIsIpv6 = endpoint.Address.AddressFamily == AddressFamily.InterNetworkV6;
                command.Service = new ControlServiceKey(protocol, endpoint.Address.ToString(), (ushort)(endpoint.Port ?? 0));
                state.ServiceProtocol = protocol;
                break;
            }

            case OptionId.FwmarkService:
            {
                state.Set(OptionBit.Service);
                var mark = HostPortParser.ParseNumber(value!, 1, uint.MaxValue)
                    ?? throw CommandLineException.Fail($"invalid fwmark value `{value}' specified");
                command.ServiceIsIpv6 = false;
                command.Service = new ControlServiceKey(ControlProtocol.Tcp, null, 0, (uint)mark);
                break;
            }

            case OptionId.Ipv6:
                if (command.Service?.Fwmark is null)
                {
                    throw CommandLineException.Fail("-6 used before -f");
                }

                command.ServiceIsIpv6 = true;
                command.Service = command.Service with { Ipv6 = true };
                break;

            case OptionId.Scheduler:
                state.Set(OptionBit.Scheduler);
                command.Scheduler = value;
                break;

            case OptionId.Persistent:
                state.Set(OptionBit.Persistent);
                command.PersistenceTimeout = value is null ? DefaultPersistenceTimeout : (uint)ParseTimeout(value, 1);
                break;

            case OptionId.Netmask:
                state.Set(OptionBit.Netmask);
                state.NetmaskText = value;
                break;

            case OptionId.RealServer:
            {
                state.Set(OptionBit.Server);
                var endpoint = HostPortParser.Parse(value!, state.ServiceProtocol, _names)
                    ?? throw CommandLineException.Fail("illegal real server address[:port] specified");
                command.ServerAddress = endpoint.Address;
                state.ServerPort = endpoint.Port;
                break;
            }

            case OptionId.Masquerading:
                state.Set(OptionBit.Forward);
                command.Method = ControlForwardingMethod.Masq;
                break;

            case OptionId.Ipip:
                state.Set(OptionBit.Forward);
                command.Method = ControlForwardingMethod.Tunnel;
                break;

            case OptionId.Gatewaying:
                state.Set(OptionBit.Forward);
                command.Method = ControlForwardingMethod.Route;
                break;

            case OptionId.Weight:
                state.Set(OptionBit.Weight);
                command.Weight = (int)(HostPortParser.ParseNumber(value!, 0, int.MaxValue)
                    ?? throw CommandLineException.Fail("illegal weight specified"));
                break;

            case OptionId.UpperThreshold:
                state.Set(OptionBit.UpperThreshold);
                command.UpperThreshold = (uint)(HostPortParser.ParseNumber(value!, 0, int.MaxValue)
                    ?? throw CommandLineException.Fail("illegal u_threshold specified"));
                break;

            case OptionId.LowerThreshold:
                state.Set(OptionBit.LowerThreshold);
                command.LowerThreshold = (uint)(HostPortParser.ParseNumber(value!, 0, int.MaxValue)
                    ?? throw CommandLineException.Fail("illegal l_threshold specified"));
                break;

            case OptionId.Numeric:
                state.Set(OptionBit.Numeric);
                command.Format |= DisplayOptions.Numeric;
                break;

            case OptionId.Connection:
                state.Set(OptionBit.Connection);
                command.ListConnections = true;
                break;

            case OptionId.PersistenceEngine:
                state.Set(OptionBit.PersistenceEngine);
                command.PersistenceEngine = value;
                break;

            case OptionId.Timeout:
                state.Set(OptionBit.Timeout);
                command.ListTimeouts = true;
                break;

            case OptionId.Stats:
                state.Set(OptionBit.Stats);
                command.Format |= DisplayOptions.Stats;
                break;

            case OptionId.Rate:
                state.Set(OptionBit.Rate);
                command.Format |= DisplayOptions.Rate;
                break;

            case OptionId.Thresholds:
                state.Set(OptionBit.Thresholds);
                command.Format |= DisplayOptions.Thresholds;
                break;

            case OptionId.PersistentConn:
                state.Set(OptionBit.PersistentConn);
                command.Format |= DisplayOptions.PersistentConn;
                break;

            case OptionId.NoSort:
                state.Set(OptionBit.NoSort);
                command.Format |= DisplayOptions.NoSort;
                break;

            case OptionId.Sort:
                // ipvsadm keeps --sort as a no-op: sorting is the default.
                break;

            case OptionId.Exact:
                state.Set(OptionBit.Exact);
                command.Format |= DisplayOptions.Exact;
                break;

            case OptionId.OnePacket:
                state.Set(OptionBit.OnePacket);
                command.OnePacket = true;
                break;

            case OptionId.SchedulerFlags:
                state.Set(OptionBit.SchedulerFlags);
                state.SchedulerFlagsText = value;
                break;

            case OptionId.TunInfo:
                state.Set(OptionBit.TunInfo);
                command.Format |= DisplayOptions.TunInfo;
                break;

            case OptionId.TunType:
                state.Set(OptionBit.TunType);
                command.TunnelType = ParseTunnelType(value!) ?? throw CommandLineException.Fail("illegal tunnel type specified");
                break;

            case OptionId.TunPort:
                state.Set(OptionBit.TunPort);
                command.TunnelPort = (ushort)(HostPortParser.ParseNumber(value!, 1, ushort.MaxValue)
                    ?? throw CommandLineException.Fail("illegal tunnel port specified"));
                break;

            // ipvsadm ORs the flags together; tunnel_opt_check then lets only one of them through.
            case OptionId.TunNoChecksum:
                state.Set(OptionBit.TunNoChecksum);
                command.TunnelChecksum = ControlTunnelChecksum.NoChecksum;
                break;

            case OptionId.TunChecksum:
                state.Set(OptionBit.TunChecksum);
                command.TunnelChecksum = ControlTunnelChecksum.Checksum;
                break;

            case OptionId.TunRemoteChecksum:
                state.Set(OptionBit.TunRemoteChecksum);
                command.TunnelChecksum = ControlTunnelChecksum.RemoteChecksum;
                break;

            default:
                // Commands after the first, and -h/-v in option position.
                if (CommandOf(token.Spec.Id) is not (AdminCommandKind.None or AdminCommandKind.Help or AdminCommandKind.Version))
                {
                    throw CommandLineException.Fail("multiple commands specified");
                }

                throw CommandLineException.Fail($"invalid option `{token.Text}'");
        }
    }

    private void Finish(CommandLineParseState state)
    {
        var command = state.Command;
        var kind = command.Kind;

        if (state.NetmaskText is { } mask)
        {
            command.Netmask = ParseNetmask(mask, command.ServiceIsIpv6);
        }

        if (kind is AdminCommandKind.AddService or AdminCommandKind.EditService)
        {
            var service = command.Service!;
            if (service.Fwmark is null && service.Port == 0 && command.PersistenceTimeout is null)
            {
                throw CommandLineException.Fail("Zero port specified for non-persistent service");
            }

            if (command.OnePacket && service.Fwmark is null && service.Protocol != ControlProtocol.Udp)
            {
                throw CommandLineException.Fail("One-Packet Scheduling is only for UDP virtual services");
            }

            command.Scheduler ??= DefaultScheduler;
            if (state.SchedulerFlagsText is { } flags)
            {
                command.SchedulerFlags = ParseSchedulerFlags(command.Scheduler, flags);
            }
        }

        if (kind is AdminCommandKind.AddServer or AdminCommandKind.EditServer or AdminCommandKind.DeleteServer)
        {
            var service = command.Service!;

            // ipvsadm copies the virtual port when -r has none; DR and TUN cannot change the port at all.
            var port = state.ServerPort ?? service.Port;
            if (kind != AdminCommandKind.DeleteServer
                && service.Fwmark is null
                && command.Method is ControlForwardingMethod.Route or ControlForwardingMethod.Tunnel)
            {
                port = service.Port;
            }

            command.ServerPort = (ushort)port;

            var serverIsIpv6 = command.ServerAddress!.AddressFamily == AddressFamily.InterNetworkV6;
            if (kind != AdminCommandKind.DeleteServer
                && serverIsIpv6 != command.ServiceIsIpv6
                && command.Method != ControlForwardingMethod.Tunnel)
            {
                throw CommandLineException.Fail("Different address family is allowed only for tunneling servers");
            }

            if (kind != AdminCommandKind.DeleteServer)
            {
                TunnelOptionCheck(state);
            }
        }

        // ipvsadm: (-c|--timeout|--daemon) with (--stats|--rate|--thresholds), or (--timeout|--daemon) with --persistent-conn.
        if (kind == AdminCommandKind.List
            && (((command.ListTimeouts || command.ListConnections)
                    && (command.Format & (DisplayOptions.Stats | DisplayOptions.Rate | DisplayOptions.Thresholds)) != 0)
                || (command.ListTimeouts && command.Format.HasFlag(DisplayOptions.PersistentConn))))
        {
            throw CommandLineException.Fail("options conflicts in the list command");
        }
    }

    /// <summary>ipvsadm's parse_tun_type: exact, lower-case names only.</summary>
    private static ControlTunnelType? ParseTunnelType(string text) => text switch
    {
        "ipip" => ControlTunnelType.Ipip,
        "gue" => ControlTunnelType.Gue,
        "gre" => ControlTunnelType.Gre,
        _ => null,
    };

    /// <summary>
    /// ipvsadm's "Only tunneling allows tunnel options" and tunnel_opt_check, in its order: tunnel options need -i,
    /// then per tunnel type (IPIP when --tun-type is missing) --tun-port is required for gue and illegal otherwise,
    /// --tun-remcsum is gue-only, and at most one checksum option may be given.
    /// </summary>
    private static void TunnelOptionCheck(CommandLineParseState state)
    {
        var command = state.Command;
        var given = state.Given;
        var anyTunnelOption = given.Contains(OptionBit.TunType) || given.Contains(OptionBit.TunPort)
            || given.Contains(OptionBit.TunNoChecksum) || given.Contains(OptionBit.TunChecksum)
            || given.Contains(OptionBit.TunRemoteChecksum);
        if (anyTunnelOption && command.Method != ControlForwardingMethod.Tunnel)
        {
            throw CommandLineException.Fail("Tunnel options conflict with forward method");
        }

        var type = command.TunnelType ?? ControlTunnelType.Ipip;
        var (typeName, rules) = type switch
        {
            // Columns: tun-port, tun-nocsum, tun-csum, tun-remcsum.
            ControlTunnelType.Gue => ("gue", "+111"),
            ControlTunnelType.Gre => ("gre", "x11x"),
            _ => ("ipip", "xxxx"),
        };
        OptionBit[] columns = [OptionBit.TunPort, OptionBit.TunNoChecksum, OptionBit.TunChecksum, OptionBit.TunRemoteChecksum];
        OptionBit? firstExclusive = null;
        for (var i = 0; i < columns.Length; i++)
        {
            var bit = columns[i];
            var name = OptionMatrix.OptionName(bit);
            if (!given.Contains(bit))
            {
                if (rules[i] == '+')
                {
                    throw CommandLineException.Fail($"You need to supply the '{name}' option for the '{typeName}' tunnel type");
                }

                continue;
            }

            if (rules[i] == 'x')
            {
                throw CommandLineException.Fail($"Illegal '{name}' option with the '{typeName}' tunnel type");
            }

            if (rules[i] == '1')
            {
                if (firstExclusive is { } first)
                {
                    throw CommandLineException.Fail(
                        $"The option '{name}' conflicts with the '{OptionMatrix.OptionName(first)}' option in the '{typeName}' tunnel type");
                }

                firstExclusive = bit;
            }
        }
    }

    private static int ParseTimeout(string text, int min) =>
        (int)(HostPortParser.ParseNumber(text, min, MaxTimeout)
            ?? throw CommandLineException.Fail($"invalid timeout value `{text}' specified"));

    private string ParseNetmask(string text, bool ipv6)
    {
        if (ipv6)
        {
            var prefix = HostPortParser.ParseNumber(text, 1, 128)
                ?? throw CommandLineException.Fail("illegal ipv6 netmask specified");
            return prefix.ToString(CultureInfo.InvariantCulture);
        }

        var mask = HostPortParser.ParseIPv4(text) ?? _names.ResolveHost(text)
            ?? throw CommandLineException.Fail("illegal virtual server persistent mask specified");
        return mask.ToString();
    }

    private static List<string> ParseSchedulerFlags(string scheduler, string text)
    {
        var result = new List<string>();
        foreach (var flag in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var requiredScheduler = flag switch
            {
                "flag-1" or "flag-2" or "flag-3" => string.Empty,
                "sh-fallback" or "sh-port" => "sh",
                "mh-fallback" or "mh-port" => "mh",
                _ => throw CommandLineException.Fail($"invalid scheduler flag `{flag}'"),
            };

            if (requiredScheduler.Length > 0 && !string.Equals(requiredScheduler, scheduler, StringComparison.Ordinal))
            {
                throw CommandLineException.Fail($"incompatible scheduler flag `{flag}'");
            }

            result.Add(flag);
        }

        return result;
    }
}
