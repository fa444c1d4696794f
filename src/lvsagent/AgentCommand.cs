using System.Net;

namespace LvsDirector.Agent;

/// <summary>A parsed lvsagent command line.</summary>
internal sealed record AgentCommand(string Verb, IReadOnlyList<IPAddress> Vips, string Mode, string? Interface, string TunName, ushort GuePort)
{
    public const string Usage = """
        usage:
          lvsagent setup    --vip VIP [--vip VIP...] [--mode dr|tun] [--tun-name lvstun0]
          lvsagent run      --vip VIP [--vip VIP...] [--interface IF] [--tun-name lvstun0] [--gue-port PORT]
          lvsagent teardown --vip VIP [--vip VIP...] [--tun-name lvstun0]
        VIP is an IPv4 or an IPv6 address; both families may be given together.
        setup: VIPs on lo (IPv4 /32, IPv6 /128 nodad), arp_ignore=1 and arp_announce=2 (all, lo and every interface;
               IPv6 needs nothing alike: the kernel answers no neighbour solicitation for an address on lo that
               arrives on another interface); with --mode tun a persistent TUN device with rp_filter=0 (and all).
        run:   receive IPIP (IP protocol 4), for IPv6 VIPs 6in6 (next header 41) and, with --gue-port, GUE tunnel
               packets for this host, strip the outer headers and write the inner packets to the TUN device; the
               kernel answers the clients from the VIP.
        """;

    /// <summary>Parses argv; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static AgentCommand Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0 || args[0] is not ("setup" or "run" or "teardown"))
        {
            throw new ArgumentException("expected a command: setup, run or teardown");
        }

        var vips = new List<IPAddress>();
        var mode = "dr";
        string? interfaceName = null;
        var tunName = "lvstun0";
        ushort guePort = 0;
        for (var i = 1; i < args.Count; i++)
        {
            var option = args[i];
            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{option} needs a value");
            }

            var value = args[++i];
            switch (option)
            {
                case "--vip":
                    if (!IPAddress.TryParse(value, out var vip)
                        || vip.AddressFamily is not (System.Net.Sockets.AddressFamily.InterNetwork or System.Net.Sockets.AddressFamily.InterNetworkV6)
                        || (vip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                            && (vip.IsIPv4MappedToIPv6 || vip.IsIPv6LinkLocal || vip.IsIPv6Multicast || vip.ScopeId != 0
                                || vip.Equals(IPAddress.IPv6Any) || vip.Equals(IPAddress.IPv6Loopback))))
                    {
                        throw new ArgumentException($"'{value}' is not an IPv4 address or a global IPv6 address");
                    }

                    vips.Add(vip);
                    break;
                case "--mode":
                    mode = value is "dr" or "tun" ? value : throw new ArgumentException("--mode is dr or tun");
                    break;
                case "--interface":
                    interfaceName = value;
                    break;
                case "--tun-name":
                    tunName = value.Length is > 0 and < 16 ? value : throw new ArgumentException("--tun-name must be 1 to 15 characters");
                    break;
                case "--gue-port":
                    guePort = ushort.TryParse(value, out var port) && port != 0 ? port : throw new ArgumentException("--gue-port must be 1..65535");
                    break;
                default:
                    throw new ArgumentException($"unknown option {option}");
            }
        }

        if (vips.Count == 0)
        {
            throw new ArgumentException("at least one --vip is required");
        }

        return new AgentCommand(args[0], vips, mode, interfaceName, tunName, guePort);
    }
}
