using System.Net;
using LvsDirector.Admin;
using LvsDirector.Control;

namespace LvsDirector.Tests.Admin;

/// <summary>A fixed little world of names, so no test touches DNS.</summary>
internal sealed class FakeNameService : INameService
{
    public List<string> HostLookups { get; } = [];

    public IPAddress? ResolveHost(string name)
    {
        HostLookups.Add(name);
        return name switch
        {
            "web.test" => IPAddress.Parse("198.18.0.10"),
            "rs1.test" => IPAddress.Parse("198.18.1.1"),
            _ => null,
        };
    }

    public int? ResolveService(string name, ControlProtocol protocol) => (name, protocol) switch
    {
        ("http", ControlProtocol.Tcp) => 80,
        ("domain", _) => 53,
        _ => null,
    };

    public string? HostName(IPAddress address) => address.ToString() switch
    {
        "198.18.0.10" => "web.test",
        "198.18.1.1" => "rs1.test",
        "198.18.1.2" => "averyveryverylonghostname.example.org",
        "2001:db8::1" => "web6.test",
        _ => null,
    };

    public string? ServiceName(int port, ControlProtocol protocol) => (port, protocol) switch
    {
        (80, ControlProtocol.Tcp) => "http",
        (53, _) => "domain",
        _ => null,
    };
}
