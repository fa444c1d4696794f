using System.Net;
using LvsDirector.Control;

namespace LvsDirector.Admin;

/// <summary>What the command line asked for, after ipvsadm's defaults and checks.</summary>
internal sealed class AdminCommand
{
    public AdminCommandKind Kind { get; set; }

    /// <summary>--socket, when given.</summary>
    public string? SocketPath { get; set; }

    /// <summary>-t/-u/-f, when given.</summary>
    public ControlServiceKey? Service { get; set; }

    /// <summary>Address family of the service (fwmark services: IPv4 unless -6).</summary>
    public bool ServiceIsIpv6 { get; set; }

    public string? Scheduler { get; set; }

    /// <summary>-p timeout; null when not persistent.</summary>
    public uint? PersistenceTimeout { get; set; }

    /// <summary>-M as canonical text (dotted for IPv4, prefix length for IPv6).</summary>
    public string? Netmask { get; set; }

    public bool OnePacket { get; set; }

    /// <summary>--pe engine name.</summary>
    public string? PersistenceEngine { get; set; }

    /// <summary>-b flag names, validated against the scheduler.</summary>
    public IReadOnlyList<string>? SchedulerFlags { get; set; }

    /// <summary>-r address.</summary>
    public IPAddress? ServerAddress { get; set; }

    /// <summary>-r port (the service port where ipvsadm substitutes it).</summary>
    public ushort ServerPort { get; set; }

    public ControlForwardingMethod Method { get; set; } = ControlForwardingMethod.Route;

    public int Weight { get; set; } = 1;

    public uint? UpperThreshold { get; set; }

    public uint? LowerThreshold { get; set; }

    /// <summary>--tun-type; null when not given (IPIP for -i).</summary>
    public ControlTunnelType? TunnelType { get; set; }

    /// <summary>--tun-port; null when not given.</summary>
    public ushort? TunnelPort { get; set; }

    /// <summary>--tun-nocsum, --tun-csum or --tun-remcsum; null when none was given.</summary>
    public ControlTunnelChecksum? TunnelChecksum { get; set; }

    public DisplayOptions Format { get; set; }

    /// <summary>-L -c: the connection table.</summary>
    public bool ListConnections { get; set; }

    /// <summary>-L --timeout.</summary>
    public bool ListTimeouts { get; set; }

    /// <summary>--set tcp tcpfin udp.</summary>
    public ControlTimeouts? Timeouts { get; set; }
}
