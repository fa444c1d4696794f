using LvsDirector.Io;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Io;

public sealed class LinkWaiterTests
{
    [Fact]
    public void NapIfBusy_NeverNapsOverInMemoryLinks()
    {
        using var link = new InMemoryLink("mem0", MacAddress.Parse("02:00:00:00:01:01"), 1500, 8, 8, 128);
        var waiter = new LinkWaiter([link]);

        Assert.False(waiter.NapIfBusy(LinkWaiter.BusyBatch * 10));
    }

    [RootFact]
    public void NapIfBusy_NapsOnlyAfterAFullBatch()
    {
        using var lab = VethLab.Create();
        using var client = lab.Open(VethLab.A);
        using var server = lab.Open(VethLab.B);
        var waiter = new LinkWaiter([client, server]);

        // A light load (fewer frames than a batch per poll) is handled frame by frame: no nap.
        Assert.False(waiter.NapIfBusy(0));
        Assert.False(waiter.NapIfBusy(LinkWaiter.BusyBatch - 1));
        Assert.True(waiter.NapIfBusy(LinkWaiter.BusyBatch));
    }
}
