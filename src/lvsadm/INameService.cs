using System.Net;
using LvsDirector.Control;

namespace LvsDirector.Admin;

/// <summary>Host and service name lookups, behind an interface so tests stay off the network.</summary>
internal interface INameService
{
    /// <summary>gethostbyname: the first IPv4 address of a host name, or null.</summary>
    IPAddress? ResolveHost(string name);

    /// <summary>getservbyname: the port of a service name for the protocol, or null.</summary>
    int? ResolveService(string name, ControlProtocol protocol);

    /// <summary>gethostbyaddr: the host name of an address, or null.</summary>
    string? HostName(IPAddress address);

    /// <summary>getservbyport: the service name of a port for the protocol, or null.</summary>
    string? ServiceName(int port, ControlProtocol protocol);
}
