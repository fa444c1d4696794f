using System.Net;

namespace LvsDirector.Services;

/// <summary>
/// One rule that marks frames, standing in for
/// <c>iptables -t mangle -A PREROUTING -d PREFIX -p PROTO -m multiport --dports PORTS -j MARK --set-mark MARK</c>:
/// AF_PACKET frames carry no netfilter mark, so lvsd computes it. Rules are tried in order; the first match wins.
/// </summary>
/// <param name="Mark">The mark to set, 1 or more.</param>
/// <param name="Protocol">tcp, udp or any.</param>
/// <param name="Destination">Destination network address, IPv4 or IPv6 (an ip6tables rule); a rule only matches frames of its family.</param>
/// <param name="PrefixLength">Destination prefix length, 0..32 (IPv4) or 0..128 (IPv6); /32 and /128 destinations are VIPs lvsd announces.</param>
/// <param name="Ports">Destination port ranges; empty matches every port.</param>
public sealed record FirewallMarkRule(uint Mark, FirewallMarkProtocol Protocol, IPAddress Destination, int PrefixLength, IReadOnlyList<PortRange> Ports)
{
    public override string ToString() =>
        $"{Protocol.ToString().ToLowerInvariant()} {Destination}/{PrefixLength} ports [{string.Join(',', Ports)}] -> mark {Mark}";
}
