using LvsDirector.Connections;
using LvsDirector.DataPath;
using LvsDirector.Io;
using LvsDirector.Neighbors;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.Tests.DataPath;

public class FaultContainmentTests
{
    [Fact]
    public void A_frame_whose_handling_throws_is_dropped_and_counted_and_the_worker_goes_on()
    {
        using var inner = new InMemoryLink("eth0", NatTestBed.ClientLinkMac, 1500, 64, 64, 65536);
        var link = new ThrowingLink(inner);
        var (worker, counters) = NewWorker(link);
        worker.MaybeHeartbeat();
        link.Throw = true;

        // The echo reply to the VIP is where the injected failure hits.
        Assert.True(inner.Inject(NatTestBed.Client().IcmpEcho(7, 1, new byte[16])));
        worker.PollOnce(0);

        Assert.Equal(1, counters.InternalErrorCount);
        Assert.Contains(counters.Snapshot(), c => c.Key == "drop_internal_error" && c.Value == 1);
        var fault = Assert.IsType<InvalidOperationException>(worker.TakeFault());
        Assert.Equal("injected transmit failure", fault.Message);
        Assert.Null(worker.TakeFault());

        link.Throw = false;
        Assert.True(inner.Inject(NatTestBed.Client().IcmpEcho(7, 2, new byte[16])));
        worker.PollOnce(0);

        var reply = Assert.Single(NatTestBed.DrainSent(inner), f => EthernetHeader.Type(f) == EtherType.Ipv4);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(reply, out var info));
        Assert.Equal(Icmp.EchoReplyType, info.IcmpType);
        Assert.Equal(1, counters.InternalErrorCount);
    }

    [Fact]
    public void A_heartbeat_that_throws_is_counted_and_the_next_one_runs()
    {
        using var inner = new InMemoryLink("eth0", NatTestBed.ClientLinkMac, 1500, 64, 64, 65536);
        var link = new ThrowingLink(inner) { Throw = true };
        var (worker, counters) = NewWorker(link);

        // The VIP's gratuitous ARPs go out from the heartbeat; the first attempt hits the failure.
        worker.MaybeHeartbeat();
        Assert.Equal(1, counters.InternalErrorCount);
        Assert.NotNull(worker.TakeFault());

        link.Throw = false;
        worker.NowMs = 10_000;
        worker.MaybeHeartbeat();
        Assert.Contains(NatTestBed.DrainSent(inner), f => EthernetHeader.Type(f) == EtherType.Arp);
        Assert.Equal(1, counters.InternalErrorCount);
    }

    [Fact]
    public void A_command_that_throws_is_counted_and_later_commands_still_run()
    {
        var bed = new NatTestBed();
        var ran = false;
        bed.Worker.Post(_ => throw new InvalidOperationException("bad command"));
        bed.Worker.Post(_ => ran = true);

        bed.Heartbeat(0);

        Assert.True(ran);
        Assert.Equal(1, bed.Counters.InternalErrorCount);
        Assert.Equal("bad command", bed.Worker.TakeFault()?.Message);
    }

    // One link with the VIP's service on it and no real servers: echo replies and gratuitous ARPs are what it sends.
    private static (PacketWorker Worker, DataPathCounters Counters) NewWorker(ThrowingLink link)
    {
        var counters = new DataPathCounters();
        var services = new ServiceTable();
        Assert.Equal(ServiceTableError.None, services.AddService(new VirtualServiceSpec(NatTestBed.Key, "rr")));
        var worker = new PacketWorker([new LinkContext(0, link, [(0xC612_0001u, 24)], new NeighborTable())], services,
            new ConnectionTable(1024, ConnectionTimeouts.Default, seed: 1), counters);
        return (worker, counters);
    }
}
