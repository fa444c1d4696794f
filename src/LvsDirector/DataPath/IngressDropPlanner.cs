using System.Net.Sockets;
using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.DataPath;

/// <summary>
/// Decides, from a service table snapshot and the kernel's own addresses, which frames the kernel ingress filter drops:
/// frames to a VIP or a firewall-mark destination, and frames of a NAT real server to anything but the director.
/// </summary>
internal static class IngressDropPlanner
{
    // 224.0.0.0/3: multicast (VRRP adverts among them), the reserved 240/4 and the limited broadcast 255.255.255.255.
    private const uint MulticastAndAbove = 0xE0000000;
    private static readonly UInt128 Ipv6Multicast = (UInt128)0xFF00_0000_0000_0000UL << 64;

    /// <summary>Rules that drop nothing: no filter is installed.</summary>
    public static IngressDropRules Nothing { get; } = new([], [], [], [], [], []);

    public static IngressDropRules Plan(
        ServiceTableSnapshot snapshot,
        IReadOnlyList<(uint Address, int PrefixLength)> kernel4,
        IReadOnlyList<(UInt128 Address, int PrefixLength)> kernel6)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(kernel4);
        ArgumentNullException.ThrowIfNull(kernel6);

        // Everything the kernel takes as addressed to itself passes: its addresses on any interface (the weak host
        // model), the directed broadcast of each of its IPv4 subnets, and multicast.
        var local4 = new List<(uint, int)> { (MulticastAndAbove, 3) };
        foreach (var (address, prefixLength) in kernel4)
        {
            local4.Add((address, 32));
            if (prefixLength is > 0 and < 31)
            {
                local4.Add((address | (uint.MaxValue >> prefixLength), 32));
            }
        }

        var local6 = new List<(UInt128, int)> { (Ipv6Multicast, 8) };
        local6.AddRange(kernel6.Select(a => (a.Address, 128)));

        var virtual4 = snapshot.VirtualAddresses.Order().Select(a => (a, 32)).ToList();
        var virtual6 = snapshot.VirtualAddresses6.Order().Select(a => (a, 128)).ToList();

        // Firewall-mark destinations wider than one address belong to lvsd too, but only while a service takes the mark.
        var ipv4Marks = snapshot.Services.Where(s => s.IsFwmark && !s.IsIpv6).Select(s => s.Fwmark).ToHashSet();
        var ipv6Marks = snapshot.Services.Where(s => s.IsFwmark && s.IsIpv6).Select(s => s.Fwmark).ToHashSet();
        foreach (var rule in snapshot.Marks.Rules)
        {
            if (rule.Destination.AddressFamily == AddressFamily.InterNetworkV6)
            {
                if (ipv6Marks.Contains(rule.Mark))
                {
                    virtual6.Add((Ipv6Address.FromIPAddress(rule.Destination), rule.PrefixLength));
                }
            }
            else if (ipv4Marks.Contains(rule.Mark))
            {
                virtual4.Add((Ipv4Address.FromIPAddress(rule.Destination), rule.PrefixLength));
            }
        }

        // Replies of NAT servers only: direct-routing and tunnelled servers answer clients without the director.
        var nat4 = new SortedSet<uint>();
        var nat6 = new SortedSet<UInt128>();
        foreach (var service in snapshot.Services)
        {
            foreach (var server in service.Servers.Where(s => s.Method == ForwardingMethod.Masquerade))
            {
                if (server.IsIpv6)
                {
                    nat6.Add(server.Address6);
                }
                else
                {
                    nat4.Add(server.Address);
                }
            }

            // A sorry server out of service may still be finishing connections it took while in service.
            if (service.SorryServer is { Method: ForwardingMethod.Masquerade } sorry)
            {
                if (sorry.Address.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    nat6.Add(Ipv6Address.FromIPAddress(sorry.Address));
                }
                else
                {
                    nat4.Add(Ipv4Address.FromIPAddress(sorry.Address));
                }
            }
        }

        return new IngressDropRules(local4, local6, virtual4, virtual6, [.. nat4], [.. nat6]);
    }
}
