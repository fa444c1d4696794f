using System.Buffers.Binary;
using System.Net;
using LvsDirector.DataPath;
using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsDirector.Tests.DataPath;

/// <summary>
/// Zero allocation per packet with every worker running on its own thread, as lvsd runs them: a director of two
/// workers over in-memory links, traffic pushed into both at once, and each worker's own allocation counter read
/// on its own thread (through a posted command) before and after.
/// </summary>
public class MultiWorkerAllocationTests
{
    private const int Workers = 2;
    private static readonly MacAddress ClientSideMac = new(0x02_00_00_00_D0_01);
    private static readonly MacAddress ServerSideMac = new(0x02_00_00_00_D1_01);

    [Fact]
    public void Two_running_workers_forward_new_connections_and_replies_without_allocating()
    {
        var links = new List<InMemoryLink>();
        var settings = new DirectorSettings { Interfaces = ["eth0", "eth1"], ConnectionTableSize = 1 << 20, DisableOffloads = false, Workers = Workers };
        using var director = new Director(settings, NullLoggerFactory.Instance, TimeProvider.System,
            name =>
            {
                var link = new InMemoryLink(name, name == "eth0" ? ClientSideMac : ServerSideMac, 1500, 4096, 16384, 2048) { DiscardSent = true };
                lock (links)
                {
                    links.Add(link);
                }

                return link;
            },
            name => name == "eth0" ? [(0xC612_0001u, 24)] : [(0xC613_0001u, 24)]);
        director.Start();
        Assert.Equal(ServiceTableError.None, director.Services.AddService(new VirtualServiceSpec(NatTestBed.Key, "wrr")));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(ServiceTableError.None, director.Services.AddRealServer(NatTestBed.Key,
                new RealServerSpec(NatTestBed.ServerIp(i), 8080, 3 - i, ForwardingMethod.Masquerade)));
        }

        ResolveServersOnEveryWorker(director, links);

        var syn = NatTestBed.Client().Tcp(1, 80, TcpFlags.Syn, []);
        var data = NatTestBed.Client().Tcp(1, 80, TcpFlags.Ack | TcpFlags.Psh, new byte[64]);
        var reply = NatTestBed.Server(0).Tcp(8080, 1, TcpFlags.Ack, new byte[64]);

        // Warm-up rounds on other client addresses: every branch taken and compiled before the measured round.
        for (var round = 0; round < 3; round++)
        {
            PushOnEveryWorker(links, syn, data, reply, 0xC612_1000u + ((uint)round << 12), 20_000);
            Thread.Sleep(200);
        }

        var before = ReadOnEveryWorker(director, GC.GetAllocatedBytesForCurrentThread);
        var forwardedBefore = director.WorkerCounters.Select(c => c.ForwardedFrames).ToArray();
        PushOnEveryWorker(links, syn, data, reply, 0xC614_0000u, 200_000);
        var after = ReadOnEveryWorker(director, GC.GetAllocatedBytesForCurrentThread);

        for (var w = 0; w < Workers; w++)
        {
            Assert.Equal(0, after[w] - before[w]);
            Assert.True(director.WorkerCounters[w].ForwardedFrames - forwardedBefore[w] >= 400_000,
                $"worker {w} forwarded only {director.WorkerCounters[w].ForwardedFrames - forwardedBefore[w]} frames; "
                + string.Join(' ', director.WorkerCounters[w].Snapshot().Where(c => c.Value != 0).Select(c => $"{c.Key}={c.Value}")));
        }
    }

    // Each worker resolves the servers in its own cache: the ARP replies go to each worker's server-side link.
    private static void ResolveServersOnEveryWorker(Director director, List<InMemoryLink> links)
    {
        Thread.Sleep(300); // a heartbeat: the workers see the services and want their servers' MACs
        for (var w = 0; w < Workers; w++)
        {
            for (var i = 0; i < 3; i++)
            {
                var reply = new byte[60];
                Arp.WriteReply(reply, NatTestBed.ServerMac(i), NatTestBed.ServerAddresses[i], ServerSideMac, 0xC613_0001);
                Assert.True(links[(w * 2) + 1].Inject(reply));
            }
        }

        Assert.True(SpinWait.SpinUntil(
            () => ReadOnEveryWorker(director, () => 0).Length == Workers
                && director.Workers.All(w => NatTestBed.ServerAddresses.All(a => w.Links[1].Neighbors.TryResolve(a, w.NowMs, out _))),
            TimeSpan.FromSeconds(5)));
    }

    // One producer thread per worker (each in-memory ring takes one producer), all at once.
    private static void PushOnEveryWorker(List<InMemoryLink> links, byte[] syn, byte[] data, byte[] reply, uint clientBase, int connections)
    {
        var producers = Enumerable.Range(0, Workers).Select(w =>
        {
            var frames = (Syn: (byte[])syn.Clone(), Data: (byte[])data.Clone(), Reply: (byte[])reply.Clone());
            var thread = new Thread(() => Push(links[w * 2], links[(w * 2) + 1], frames.Syn, frames.Data, frames.Reply, clientBase + ((uint)w << 10), connections));
            thread.Start();
            return thread;
        }).ToList();
        producers.ForEach(p => p.Join());
        Assert.True(SpinWait.SpinUntil(() => links.All(l => l.PendingReceiveCount == 0), TimeSpan.FromSeconds(30)));
    }

    private static void Push(InMemoryLink client, InMemoryLink server, byte[] syn, byte[] data, byte[] reply, uint clientBase, int connections)
    {
        for (var i = 0; i < connections; i++)
        {
            var address = clientBase + (uint)(i >> 10);
            var port = (ushort)(1024 + (i & 1023));
            Patch(syn, address, port, source: true);
            Patch(data, address, port, source: true);
            Inject(client, syn);
            Inject(client, data);
            Patch(reply, address, port, source: false);
            Inject(server, reply);
        }
    }

    private static void Inject(InMemoryLink link, byte[] frame)
    {
        var spin = default(SpinWait);
        while (!link.Inject(frame))
        {
            spin.SpinOnce();
        }
    }

    private static void Patch(byte[] frame, uint address, ushort port, bool source)
    {
        var ip = frame.AsSpan(14);
        BinaryPrimitives.WriteUInt32BigEndian(ip[(source ? 12 : 16)..], address);
        BinaryPrimitives.WriteUInt16BigEndian(ip[(20 + (source ? 0 : 2))..], port);
    }

    // Runs read on every worker's own thread, between its batches, and waits for all of them.
    private static long[] ReadOnEveryWorker(Director director, Func<long> read)
    {
        var values = new long[Workers];
        using var done = new CountdownEvent(Workers);
        foreach (var worker in director.Workers)
        {
            worker.Post(w =>
            {
                values[w.Index] = read();
                done.Signal();
            });
        }

        Assert.True(done.Wait(TimeSpan.FromSeconds(10)));
        return values;
    }
}
