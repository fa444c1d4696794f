using System.Buffers.Binary;
using System.Net;
using BenchmarkDotNet.Attributes;
using LvsDirector.Connections;
using LvsDirector.DataPath;
using LvsDirector.Io;
using LvsDirector.Neighbors;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.Benchmarks;

/// <summary>
/// Frames per second through one packet worker over in-memory links: parse → connection lookup →
/// schedule → NAT rewrite → transmit. The baseline moves the same frames through the links with no
/// processing, so the ratio shows what the director itself costs.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class PipelineBenchmarks
{
    private const int Frames = 65_536;
    private const uint Vip = 0xC612_0064;
    private static readonly uint[] Servers = [0xC613_000B, 0xC613_000C, 0xC613_000D];

    private InMemoryLink _client = null!;
    private InMemoryLink _server = null!;
    private PacketWorker _worker = null!;
    private byte[] _frame = null!;
    private byte[] _syn = null!;
    private PassThroughSink _passThrough = null!;

    [GlobalSetup(Targets = [nameof(LinkOnly), nameof(EstablishedFlows)])]
    public void SetupEstablished()
    {
        Build(tableSize: 1 << 16);

        // Open 1024 connections so the measured frames are all lookups on established flows.
        for (var i = 0; i < 1024; i++)
        {
            Push(SynFor(i));
        }

        _frame = DataFrame();
    }

    [IterationSetup(Target = nameof(NewConnections))]
    public void SetupNew()
    {
        Build(tableSize: Frames + 1024);
        _syn = TcpFrame(TcpFlags.Syn, 0);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames)]
    public int LinkOnly()
    {
        var n = 0;
        for (var i = 0; i < Frames; i++)
        {
            SetClientPort(_frame, (ushort)(1024 + (i & 1023)));
            _client.Inject(_frame);
            n += _client.Poll(_passThrough, 0);
            _server.Flush();
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public int EstablishedFlows()
    {
        var n = 0;
        for (var i = 0; i < Frames; i++)
        {
            SetClientPort(_frame, (ushort)(1024 + (i & 1023)));
            _client.Inject(_frame);
            n += _worker.PollOnce(0);
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public int NewConnections()
    {
        var n = 0;
        for (var i = 0; i < Frames; i++)
        {
            // A new client address/port per frame, patched in place so the benchmark itself allocates nothing.
            BinaryPrimitives.WriteUInt32BigEndian(_syn.AsSpan(14 + 12), 0xC614_0000u + (uint)(i >> 10));
            SetClientPort(_syn, (ushort)(1024 + (i & 1023)));
            _client.Inject(_syn);
            n += _worker.PollOnce(0);
        }

        return n;
    }

    private void Build(int tableSize)
    {
        var clientMac = new MacAddress(0x02_00_00_00_D0_01);
        var serverMac = new MacAddress(0x02_00_00_00_D1_01);
        _client = new InMemoryLink("eth0", clientMac, 1500, 64, 64, 2048) { DiscardSent = true };
        _server = new InMemoryLink("eth1", serverMac, 1500, 64, 64, 2048) { DiscardSent = true };
        _passThrough = new PassThroughSink(_server);
        var services = new ServiceTable();
        var key = new ServiceKey(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.100"), 80);
        services.AddService(new VirtualServiceSpec(key, "wrr"));
        for (var i = 0; i < Servers.Length; i++)
        {
            services.AddRealServer(key, new RealServerSpec(Ipv4Address.ToIPAddress(Servers[i]), 80, 3 - i, ForwardingMethod.Masquerade));
        }

        LinkContext[] links =
        [
            new LinkContext(0, _client, [(0xC612_0001u, 24)], new NeighborTable()),
            new LinkContext(1, _server, [(0xC613_0001u, 24)], new NeighborTable()),
        ];
        _worker = new PacketWorker(links, services, new ConnectionTable(tableSize, ConnectionTimeouts.Default, 1), new DataPathCounters());
        _worker.MaybeHeartbeat();
        for (var i = 0; i < Servers.Length; i++)
        {
            var reply = new byte[60];
            Arp.WriteReply(reply, new MacAddress(0x02_00_00_00_5E_00UL + (ulong)i), Servers[i], serverMac, 0xC613_0001);
            _server.Inject(reply);
            _worker.PollOnce(0);
        }

        _frame ??= DataFrame();
    }

    private void Push(byte[] frame)
    {
        _client.Inject(frame);
        _worker.PollOnce(0);
    }

    private static byte[] SynFor(int i)
    {
        var frame = TcpFrame(TcpFlags.Syn, 0);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(14 + 12), 0xC614_0000u + (uint)(i >> 10));
        SetClientPort(frame, (ushort)(1024 + (i & 1023)));
        return frame;
    }

    private static byte[] DataFrame()
    {
        var frame = TcpFrame(TcpFlags.Ack | TcpFlags.Psh, 512);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(14 + 12), 0xC614_0000u);
        return frame;
    }

    private static void SetClientPort(byte[] frame, ushort port) => BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14 + 20), port);

    private static byte[] TcpFrame(byte flags, int payload)
    {
        var frame = new byte[14 + 20 + 20 + payload];
        EthernetHeader.Write(frame, new MacAddress(0x02_00_00_00_D0_01), new MacAddress(0x02_00_00_00_0C_02), EtherType.Ipv4);
        var ip = frame.AsSpan(14);
        Ipv4Header.Write(ip, 0, (ushort)(40 + payload), 1, true, 64, IpProtocol.Tcp, 0xC612_0002, Vip);
        var tcp = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, 1024);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], 80);
        tcp[12] = 0x50;
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 65535);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Checksum.Transport(ip));
        return frame;
    }
}
