using System.Net;
using System.Net.Sockets;

namespace LvsDirector.Configuration;

/// <summary>An address of a capture interface with its on-link prefix length, as <c>ip addr</c> writes it ("2001:db8:1::1/64").</summary>
/// <param name="Address">The interface's own address, IPv4 or IPv6 (host bits kept).</param>
/// <param name="PrefixLength">On-link prefix length: 1..32 for IPv4, 1..128 for IPv6.</param>
public sealed record InterfaceAddress(IPAddress Address, int PrefixLength)
{
    public bool IsIpv6 => Address.AddressFamily == AddressFamily.InterNetworkV6;

    public override string ToString() => $"{Address}/{PrefixLength}";
}
