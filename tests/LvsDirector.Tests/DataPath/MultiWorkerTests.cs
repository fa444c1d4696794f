using LvsDirector.DataPath;
using LvsDirector.Io;
using LvsDirector.Neighbors;
using LvsDirector.Packets;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsDirector.Tests.DataPath;

/// <summary>What several packet workers share and what they keep apart, over in-memory links.</summary>
public class MultiWorkerTests
{
    [Fact]
    public void A_neighbour_worker_zero_learns_from_arp_releases_the_frames_another_worker_holds_for_it()
    {
        // The fanout sends every ARP frame to worker 0; a SYN steered to worker 1 waits there for its server's MAC.
        var zero = new NatTestBed();
        var one = new NatTestBed();
        zero.Worker.Peers = [one.Worker];
        zero.Heartbeat(0);
        one.Heartbeat(0);
        NatTestBed.DrainSent(one.ServerLink);

        one.FromClient(NatTestBed.Client().Tcp(40000, 80, TcpFlags.Syn, []));
        Assert.DoesNotContain(NatTestBed.DrainSent(one.ServerLink), f => EthernetHeader.Type(f) == EtherType.Ipv4);
        Assert.Equal(1, one.Counters.NeighborHeld);

        for (var i = 0; i < NatTestBed.ServerAddresses.Length; i++)
        {
            var reply = new byte[60];
            Arp.WriteReply(reply, NatTestBed.ServerMac(i), NatTestBed.ServerAddresses[i], NatTestBed.ServerLinkMac, 0xC613_0001);
            zero.FromServer(reply);
        }

        one.Heartbeat(1);
        var released = Assert.Single(NatTestBed.DrainSent(one.ServerLink), f => EthernetHeader.Type(f) == EtherType.Ipv4);
        Assert.Contains(EthernetHeader.Destination(released), Enumerable.Range(0, 3).Select(NatTestBed.ServerMac));
        Assert.Equal(0, zero.Counters.NeighborHeld);
    }

    [Fact]
    public void Only_worker_zero_announces_the_vips()
    {
        var zero = new NatTestBed();
        var worker1 = new PacketWorker(
            [new LinkContext(0, new InMemoryLink("eth0", NatTestBed.ClientLinkMac, 1500, 64, 64, 2048), [(0xC612_0001u, 24)], new NeighborTable())],
            zero.Services, new LvsDirector.Connections.ConnectionTable(1024, LvsDirector.Connections.ConnectionTimeouts.Default, 1), new DataPathCounters())
        {
            Index = 1,
        };
        for (var t = 0; t < 1000; t += 100)
        {
            zero.Heartbeat(t);
            worker1.NowMs = t;
            worker1.MaybeHeartbeat();
        }

        Assert.True(zero.Counters.GratuitousArpsSent > 0);
        Assert.Equal(0, worker1.Counters.GratuitousArpsSent);
    }

    [Fact]
    public void The_director_runs_each_worker_and_gathers_their_connections_and_counters()
    {
        var settings = new DirectorSettings { Interfaces = ["eth0"], ConnectionTableSize = 1024, DisableOffloads = false, Workers = 3 };
        using var director = new Director(settings, NullLoggerFactory.Instance, TimeProvider.System,
            name => new InMemoryLink(name, new MacAddress(0x02_00_00_00_00_01), 1500, 16, 16, 2048),
            _ => [(0xC612_0001u, 24)]);
        director.Start();
        Assert.Equal(3, director.WorkerCount);
        Assert.Equal([0, 1, 2], director.Workers.Select(w => w.Index));
        Assert.True(SpinWait.SpinUntil(() => director.IsWorkerAlive, TimeSpan.FromSeconds(5)));

        // One connection in each worker's own table; the listing sees all three.
        var server = new LvsDirector.Services.RealServerSpec(System.Net.IPAddress.Parse("198.19.0.11"), 80, 1, LvsDirector.Services.ForwardingMethod.Masquerade);
        Assert.Equal(LvsDirector.Services.ServiceTableError.None, director.Services.AddService(new LvsDirector.Services.VirtualServiceSpec(NatTestBed.Key, "rr")));
        Assert.Equal(LvsDirector.Services.ServiceTableError.None, director.Services.AddRealServer(NatTestBed.Key, server));
        var destination = director.Services.Current.Services[0].Servers[0];
        foreach (var worker in director.Workers)
        {
            var done = new ManualResetEventSlim();
            worker.Post(w =>
            {
                w.Connections.Add(6, 0xC612_0002u + (uint)w.Index, 40000, NatTestBed.Vip, 80, 0xC613_000B, 80, destination, inputOnly: false, w.NowMs);
                done.Set();
            });
            Assert.True(done.Wait(TimeSpan.FromSeconds(5)));
        }

        var clients = director.SnapshotConnections().Select(c => c.ClientAddressText).Order().ToList();
        Assert.Equal(["198.18.0.2", "198.18.0.3", "198.18.0.4"], clients);
        Assert.Equal(3, destination.InactiveConnections + destination.ActiveConnections);

        // --set reaches every worker.
        Assert.True(director.TrySetTimeouts(1234, 0, 0, out _));
        Assert.True(SpinWait.SpinUntil(() => director.Workers.All(w => w.Connections.Timeouts.Established == TimeSpan.FromSeconds(1234)), TimeSpan.FromSeconds(5)));

        director.Workers[1].Counters.Received = 5;
        director.Workers[2].Counters.Received = 7;
        Assert.Equal(12, director.CounterTotals().Single(c => c.Key == "received").Value);
        director.Stop();
        Assert.False(director.IsWorkerAlive);
    }
}
