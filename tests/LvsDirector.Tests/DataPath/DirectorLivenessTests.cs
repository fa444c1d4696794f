using LvsDirector.DataPath;
using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Tests.Scheduling;
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

    [Fact]
    public void Worker_stuck_for_five_seconds_is_not_alive_and_is_again_once_it_moves()
    {
        // The systemd watchdog is fed only while IsWorkerAlive holds: a worker that stops going round its loop must
        // make it false, not only a worker thread that ended.
        var settings = new DirectorSettings { Interfaces = ["eth0"], ConnectionTableSize = 1024, DisableOffloads = false };
        var time = new ManualTimeProvider();
        StallableLink? link = null;
        using var director = new Director(settings, NullLoggerFactory.Instance, time,
            name => link = new StallableLink(new InMemoryLink(name, new MacAddress(0x02_00_00_00_00_01), 1500, 16, 16, 2048)),
            _ => [(0xC612_0001u, 24)]);
        director.Start();
        Assert.True(SpinWait.SpinUntil(() => director.IsWorkerAlive, TimeSpan.FromSeconds(5)));

        Assert.True(link!.Stall(TimeSpan.FromSeconds(5)), "the worker never polled its link");
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(director.IsWorkerAlive, "4 s without a loop is still within the stall limit");
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(director.IsWorkerAlive);

        link.Resume();
        Assert.True(SpinWait.SpinUntil(() => director.IsWorkerAlive, TimeSpan.FromSeconds(5)), "the worker did not come back");
        director.Stop();
    }
}
