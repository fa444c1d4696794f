using LvsDirector.Admin;
using LvsDirector.Control;

namespace LvsDirector.Tests.Admin;

public sealed class ServicesDatabaseTests
{
    private static readonly ServicesDatabase Database = ServicesDatabase.Parse(
    [
        "# comment",
        "http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP",
        "domain\t\t53/tcp",
        "domain\t\t53/udp",
        "http-alt\t80/tcp",
        "broken\t\tnot-a-port/tcp",
        "huge\t\t70000/tcp",
        "",
    ]);

    [Fact]
    public void Finds_ports_by_name_and_alias()
    {
        Assert.Equal(80, Database.PortOf("http", ControlProtocol.Tcp));
        Assert.Equal(80, Database.PortOf("www", ControlProtocol.Tcp));
        Assert.Equal(53, Database.PortOf("domain", ControlProtocol.Udp));
        Assert.Null(Database.PortOf("http", ControlProtocol.Udp));
        Assert.Null(Database.PortOf("huge", ControlProtocol.Tcp));
    }

    [Fact]
    public void Names_ports_with_the_first_entry()
    {
        Assert.Equal("http", Database.NameOf(80, ControlProtocol.Tcp));
        Assert.Equal("domain", Database.NameOf(53, ControlProtocol.Udp));
        Assert.Null(Database.NameOf(81, ControlProtocol.Tcp));
    }
}
