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
/// <remarks>
/// <see cref="Family"/> runs the same three benchmarks over IPv4 and IPv6 (NAT both): BenchmarkDotNet takes the
/// baseline per parameter value, so each family's ratios are to its own <see cref="LinkOnly"/>. The loops differ only
/// in where the client address and port sit in the frame, kept in fields.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
public class PipelineBenchmarks
{
    private const int Frames = 65_536;
    private const int Ethernet = 14;
    private const uint Vip = 0xC612_0064;
    private const uint Client = 0xC612_0002;
    private static readonly uint[] Servers = [0xC613_000B, 0xC613_000C, 0xC613_000D];
    private static readonly MacAddress ClientLinkMac = new(0x02_00_00_00_D0_01);
    private static readonly MacAddress ServerLinkMac = new(0x02_00_00_00_D1_01);
    private static readonly MacAddress ClientMac = new(0x02_00_00_00_0C_02);
    private static readonly UInt128 Vip6 = Ipv6Address.Parse("2001:db8:1::100");
    private static readonly UInt128 Client6 = Ipv6Address.Parse("2001:db8:14::");
    private static readonly UInt128[] Servers6 =
        [Ipv6Address.Parse("2001:db8:2::b"), Ipv6Address.Parse("2001:db8:2::c"), Ipv6Address.Parse("2001:db8:2::d")];

    private InMemoryLink _client = null!;
    private InMemoryLink _server = null!;
    private PacketWorker _worker = null!;
    private byte[] _frame = null!;
    private byte[] _syn = null!;
    private PassThroughSink _passThrough = null!;

    // Where the low 32 bits of the client address and the client port are in a frame of this family, and the low
    // 32 bits of the first client (198.20.0.0 or 2001:db8:14::1:0; clients are off-link, replies go to their router's MAC).
    private int _clientAddressOffset;
    private int _clientPortOffset;
    private uint _clientBase;

    [Params("IPv4", "IPv6")]
    public string Family { get; set; } = "IPv4";

    private bool Ipv6 => Family == "IPv6";

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

        // A setup that went wrong (servers unresolved, frames not ours) would time drops, not forwarding.
        var open = Ipv6 ? _worker.Connections6.Count : _worker.Connections.Count;
        if (open != 1024 || _worker.Counters.ForwardedFrames != 1024)
        {
            throw new InvalidOperationException($"{Family}: {open} connections opened and {_worker.Counters.ForwardedFrames} SYNs forwarded of 1024.");
        }
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
            SetClient(_syn, i);
            _client.Inject(_syn);
            n += _worker.PollOnce(0);
        }

        return n;
    }

    private void Build(int tableSize)
    {
        _clientAddressOffset = Ethernet + (Ipv6 ? 8 + 12 : 12);
        _clientPortOffset = Ethernet + (Ipv6 ? Ipv6Header.Length : 20);
        _clientBase = Ipv6 ? 0x0001_0000u : 0xC614_0000u;
        _client = new InMemoryLink("eth0", ClientLinkMac, 1500, 64, 64, 2048) { DiscardSent = true };
        _server = new InMemoryLink("eth1", ServerLinkMac, 1500, 64, 64, 2048) { DiscardSent = true };
        _passThrough = new PassThroughSink(_server);
        var services = new ServiceTable();
        var key = new ServiceKey(ServiceProtocol.Tcp, Ipv6 ? Ipv6Address.ToIPAddress(Vip6) : Ipv4Address.ToIPAddress(Vip), 80);
        services.AddService(new VirtualServiceSpec(key, "wrr"));
        for (var i = 0; i < Servers.Length; i++)
        {
            var server = Ipv6 ? Ipv6Address.ToIPAddress(Servers6[i]) : Ipv4Address.ToIPAddress(Servers[i]);
            services.AddRealServer(key, new RealServerSpec(server, 80, 3 - i, ForwardingMethod.Masquerade));
        }

        LinkContext[] links =
        [
            new LinkContext(0, _client, [(0xC612_0001u, 24)], [(Ipv6Address.Parse("2001:db8:1::1"), 64)], new NeighborTable(), new Ipv6NeighborTable()),
            new LinkContext(1, _server, [(0xC613_0001u, 24)], [(Ipv6Address.Parse("2001:db8:2::1"), 64)], new NeighborTable(), new Ipv6NeighborTable()),
        ];

        // The family under test gets the big table; the other one a token table.
        var timeouts = ConnectionTimeouts.Default;
        var table = new ConnectionTable(Ipv6 ? 1024 : tableSize, timeouts, 1);
        var table6 = new Ipv6ConnectionTable(Ipv6 ? tableSize : 1024, timeouts, 1);
        _worker = new PacketWorker(links, services, table, new DataPathCounters(), connections6: table6);
        _worker.MaybeHeartbeat();
        for (var i = 0; i < Servers.Length; i++)
        {
            var serverMac = new MacAddress(0x02_00_00_00_5E_00UL + (ulong)i);
            _server.Inject(Ipv6 ? Advertisement(serverMac, Servers6[i]) : ArpReply(serverMac, Servers[i]));
            _worker.PollOnce(0);
        }
    }

    private static byte[] ArpReply(MacAddress serverMac, uint server)
    {
        var reply = new byte[60];
        Arp.WriteReply(reply, serverMac, server, ServerLinkMac, 0xC613_0001);
        return reply;
    }

    // The server announcing itself (RFC 4861 7.2.6), which answers the worker's outstanding solicitation as well.
    private static byte[] Advertisement(MacAddress serverMac, UInt128 server)
    {
        var frame = new byte[NeighborDiscovery.FrameLength];
        NeighborDiscovery.WriteUnsolicitedAdvertisement(frame, serverMac, server);
        return frame;
    }

    private void Push(byte[] frame)
    {
        _client.Inject(frame);
        _worker.PollOnce(0);
    }

    private byte[] SynFor(int i)
    {
        var frame = TcpFrame(TcpFlags.Syn, 0);
        SetClient(frame, i);
        return frame;
    }

    private byte[] DataFrame()
    {
        var frame = TcpFrame(TcpFlags.Ack | TcpFlags.Psh, 512);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(_clientAddressOffset), _clientBase);
        return frame;
    }

    // Client i of 1024 ports per address: i >> 10 picks the address, i & 1023 the port.
    private void SetClient(byte[] frame, int i)
    {
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(_clientAddressOffset), _clientBase + (uint)(i >> 10));
        SetClientPort(frame, (ushort)(1024 + (i & 1023)));
    }

    private void SetClientPort(byte[] frame, ushort port) => BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(_clientPortOffset), port);

    private byte[] TcpFrame(byte flags, int payload)
    {
        var ipLength = Ipv6 ? Ipv6Header.Length : 20;
        var frame = new byte[Ethernet + ipLength + 20 + payload];
        EthernetHeader.Write(frame, ClientLinkMac, ClientMac, Ipv6 ? EtherType.Ipv6 : EtherType.Ipv4);
        var ip = frame.AsSpan(Ethernet);
        if (Ipv6)
        {
            Ipv6Header.Write(ip, 0, 0, (ushort)(20 + payload), IpProtocol.Tcp, 64, Client6, Vip6);
        }
        else
        {
            Ipv4Header.Write(ip, 0, (ushort)(40 + payload), 1, true, 64, IpProtocol.Tcp, Client, Vip);
        }

        var tcp = ip[ipLength..];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, 1024);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], 80);
        tcp[12] = 0x50;
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 65535);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Ipv6 ? Checksum.Transport6(tcp, 16, Client6, Vip6, IpProtocol.Tcp) : Checksum.Transport(ip));
        return frame;
    }
}
