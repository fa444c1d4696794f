using System.Globalization;
using System.Net;

namespace LvsDirector.Agent;

/// <summary>
/// lvsagent setup/teardown: what every LVS DR/TUN real server needs. The VIP goes on lo as a /32 so the kernel accepts
/// and answers packets to it (replies leave with source = VIP, straight to the client); arp_ignore=1 and arp_announce=2
/// keep the server from answering or advertising the VIP on its network, where only the director may own it.
/// An IPv6 VIP goes on lo as a /128 without duplicate address detection (lo has no neighbours to ask). IPv6 needs no
/// arp_ignore: Linux answers a neighbour solicitation only for an address of the interface it arrived on (its lookup
/// is strict for the receiving device), so an address on lo is never advertised on eth0; packets to it are still
/// accepted on any interface (the local route decides). Checked in the DR lab (docs/forwarding.md).
/// </summary>
internal static class AgentSetup
{
    public static void Setup(AgentCommand command, TextWriter output)
    {
        foreach (var vip in command.Vips)
        {
            if (IsIpv6(vip))
            {
                SystemSettings.SetSysctl("net.ipv6.conf.lo.disable_ipv6", "0");
                SystemSettings.Ip(true, "-6", "addr", "replace", Cidr(vip), "dev", "lo", "nodad");
            }
            else
            {
                SystemSettings.Ip(true, "addr", "replace", Cidr(vip), "dev", "lo");
            }

            output.WriteLine($"VIP {Cidr(vip)} on lo");
        }

        foreach (var name in ConfigurationDirectories())
        {
            SystemSettings.SetSysctl($"net.ipv4.conf.{name}.arp_ignore", "1");
            SystemSettings.SetSysctl($"net.ipv4.conf.{name}.arp_announce", "2");
        }

        output.WriteLine("arp_ignore=1 arp_announce=2 on all, default and every interface");
        if (command.Mode == "tun")
        {
            if (SystemSettings.Ip(false, "link", "show", "dev", command.TunName) != 0)
            {
                SystemSettings.Ip(true, "tuntap", "add", "dev", command.TunName, "mode", "tun");
            }

            SystemSettings.Ip(true, "link", "set", "dev", command.TunName, "up");
            DisableReversePathFilter(command.TunName);
            output.WriteLine($"TUN device {command.TunName} up, rp_filter=0 on it and on all");
            if (command.Vips.Any(IsIpv6))
            {
                EnableIpv6(command.TunName);
                output.WriteLine($"IPv6 enabled on {command.TunName} (6in6 inner packets arrive there)");
            }
        }
    }

    public static void Teardown(AgentCommand command, TextWriter output)
    {
        foreach (var vip in command.Vips)
        {
            SystemSettings.Ip(false, IsIpv6(vip) ? "-6" : "-4", "addr", "del", Cidr(vip), "dev", "lo");
        }

        foreach (var name in ConfigurationDirectories())
        {
            SystemSettings.SetSysctl($"net.ipv4.conf.{name}.arp_ignore", "0");
            SystemSettings.SetSysctl($"net.ipv4.conf.{name}.arp_announce", "0");
        }

        if (SystemSettings.Ip(false, "link", "show", "dev", command.TunName) == 0)
        {
            SystemSettings.Ip(false, "tuntap", "del", "dev", command.TunName, "mode", "tun");
        }

        output.WriteLine("VIPs removed from lo, arp_ignore/arp_announce back to 0, TUN device removed");
    }

    /// <summary>
    /// The source of a tunnelled packet is the remote client: strict reverse-path filtering (the maximum of "all" and
    /// the device's value applies) would drop it because the client is not routed via the TUN device.
    /// </summary>
    public static void DisableReversePathFilter(string tunName)
    {
        SystemSettings.SetSysctl("net.ipv4.conf.all.rp_filter", "0");
        SystemSettings.SetSysctl($"net.ipv4.conf.{tunName}.rp_filter", "0");
    }

    /// <summary>
    /// A TUN device with IPv6 disabled (by a distribution default or an operator) drops every IPv6 packet written to
    /// it, so the inner packets of 6in6 would vanish without a trace.
    /// </summary>
    public static void EnableIpv6(string tunName) => SystemSettings.SetSysctl($"net.ipv6.conf.{tunName}.disable_ipv6", "0");

    internal static bool IsIpv6(IPAddress vip) => vip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;

    internal static string Cidr(IPAddress vip) => vip.ToString() + (IsIpv6(vip) ? "/128" : "/32");

    private static IEnumerable<string> ConfigurationDirectories() =>
        Directory.GetDirectories("/proc/sys/net/ipv4/conf").Select(Path.GetFileName).OfType<string>()
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n => n.ToString(CultureInfo.InvariantCulture));
}
