using LvsDirector.Scheduling;
using static LvsDirector.Tests.Scheduling.SchedulerTestHelpers;

namespace LvsDirector.Tests.Scheduling;

public class DestinationHashingSchedulerTests
{
    private static ScheduleInput To(uint destination, uint source = 0xC6130001) => new(source, destination, 40000, 80, 6);

    [Fact]
    public void NameIsDh() => Assert.Equal("dh", new DestinationHashingScheduler().Name);

    [Fact]
    public void BucketsGoRoundRobinRegardlessOfWeight()
    {
        var d = Make(5, 1, 2);
        var scheduler = Create<DestinationHashingScheduler>(d);
        for (uint address = 0xC6120000; address < 0xC6120400; address++)
        {
            // ip_vs_dh_hashkey: (addr * 2654435761) & 255; bucket i holds destination i % n.
            int bucket = (int)((address * 2654435761u) & 255);
            Assert.Same(d[bucket % 3], scheduler.Schedule(To(address)));
        }
    }

    [Fact]
    public void SameDestinationAddressSticksWhateverTheClient()
    {
        var d = Make(1, 1, 1, 1);
        var scheduler = Create<DestinationHashingScheduler>(d);
        var first = scheduler.Schedule(To(0xC6120042));
        for (uint client = 1; client < 500; client++)
        {
            Assert.Same(first, scheduler.Schedule(To(0xC6120042, client)));
        }
    }

    [Fact]
    public void QuiescentOrOverloadedServerGivesNull()
    {
        var d = Make(1, 1);
        var scheduler = Create<DestinationHashingScheduler>(d);
        uint address = 0xC6120000;
        while (scheduler.Schedule(To(address)) != d[0])
        {
            address++;
        }

        d[0].IsOverloaded = true;
        Assert.Null(scheduler.Schedule(To(address)));
        d[0].IsOverloaded = false;
        Assert.Same(d[0], scheduler.Schedule(To(address)));
        d[0].Weight = 0;
        scheduler.Update(d);
        Assert.Null(scheduler.Schedule(To(address)));
    }

    [Fact]
    public void AddingAServerReassignsBuckets()
    {
        var d = Make(1, 1);
        var scheduler = Create<DestinationHashingScheduler>(d);
        var c = new TestDestination("C", 1);
        scheduler.Update([d[0], d[1], c]);
        int toC = 0;
        for (uint address = 0; address < 3000; address++)
        {
            toC += scheduler.Schedule(To(address)) == c ? 1 : 0;
        }

        Assert.InRange(toC, 800, 1200);
    }

    [Fact]
    public void EmptyGivesNull() => Assert.Null(new DestinationHashingScheduler().Schedule(To(1)));
}
