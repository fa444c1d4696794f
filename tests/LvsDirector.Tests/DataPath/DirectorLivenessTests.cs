using LvsDirector.DataPath;
using LvsDirector.Io;
using LvsDirector.Packets;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsDirector.Tests.DataPath;

public class DirectorLivenessTests
{
    [Fact]
    public void Worker_is_alive_while_running_and_not_after_stop()
    {
        var settings = new DirectorSettings { Interfaces = ["eth0"], ConnectionTableSize = 1024, DisableOffloads = false };
        using var director = new Director(settings, NullLoggerFactory.Instance, TimeProvider.System,
            name => new InMemoryLink(name, new MacAddress(0x02_00_00_00_00_01), 1500, 16, 16, 2048),
            _ => [(0xC612_0001u, 24)]);
        Assert.False(director.IsWorkerAlive);

        director.Start();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!director.IsWorkerAlive && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }

        Assert.True(director.IsWorkerAlive);
        director.Stop();
        Assert.False(director.IsWorkerAlive);
    }
}
