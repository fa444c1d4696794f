using System.Net;
using LvsDirector.Connections;
using LvsDirector.DataPath;
using LvsDirector.Io;
using LvsDirector.Neighbors;
using LvsDirector.Packets;
using LvsDirector.Services;
using LvsDirector.Tests.Packets;

namespace LvsDirector.Tests.DataPath;

/// <summary>
/// The IPv6 twin of <see cref="NatTestBed"/>: client side 2001:db8:1::/64, server side 2001:db8:2::/64,
/// VIP 2001:db8:1::100, over in-memory links.
/// </summary>
internal sealed class NatTestBed6 : NatTestBedBase
{
    public static readonly UInt128 Vip = Ipv6Address.Parse("2001:db8:1::100");
    public static readonly UInt128 ClientAddress = Ipv6Address.Parse("2001:db8:1::2");
    public static readonly UInt128 ClientLinkAddress = Ipv6Address.Parse("2001:db8:1::1");
    public static readonly UInt128 ServerLinkAddress = Ipv6Address.Parse("2001:db8:2::1");
    public static readonly UInt128[] ServerAddresses =
        [Ipv6Address.Parse("2001:db8:2::11"), Ipv6Address.Parse("2001:db8:2::12"), Ipv6Address.Parse("2001:db8:2::13")];

    public NatTestBed6(
        ForwardingMethod method = ForwardingMethod.Masquerade,
        string scheduler = "rr",
        int tableSize = 4096,
        int linkCapacity = 256,
        bool discardSent = false,
        int serverMtu = 1500,
        bool defaultService = true,
        PacketWorkerOptions? options = null,
        LvsDirector.Forwarding.Route6[]? serverRoutes = null)
        : base(linkCapacity, discardSent, serverMtu)
    {
        LinkContext[] links =
        [
            new LinkContext(0, ClientLink, [(0xC612_0001u, 24)], [(ClientLinkAddress, 64)], new NeighborTable(), new Ipv6NeighborTable()),
            new LinkContext(1, ServerLink, [(0xC613_0001u, 24)], [(ServerLinkAddress, 64)], new NeighborTable(), new Ipv6NeighborTable())
            {
                Routes6 = serverRoutes ?? [],
            },
        ];
        Connections = new Ipv6ConnectionTable(tableSize, ConnectionTimeouts.Default, seed: 42);
        Worker = new PacketWorker(links, Services, new ConnectionTable(1024, ConnectionTimeouts.Default, seed: 42), Counters, options, Connections);
        if (defaultService)
        {
            AddService(new VirtualServiceSpec(Key, scheduler), 8080, method);
        }
    }

    public static ServiceKey Key { get; } = new(ServiceProtocol.Tcp, IPAddress.Parse("2001:db8:1::100"), 80);

    public static ServiceKey UdpKey { get; } = new(ServiceProtocol.Udp, IPAddress.Parse("2001:db8:1::100"), 53);

    public Ipv6ConnectionTable Connections { get; }

    public override PacketWorker Worker { get; }

    public static IPAddress ServerIp(int i) => Ipv6Address.ToIPAddress(ServerAddresses[i]);

    public void AddService(VirtualServiceSpec spec, ushort serverPort, ForwardingMethod method = ForwardingMethod.Masquerade)
    {
        Assert.Equal(ServiceTableError.None, Services.AddService(spec));
        for (var i = 0; i < ServerAddresses.Length; i++)
        {
            Assert.Equal(ServiceTableError.None, Services.AddRealServer(spec.Key, new RealServerSpec(ServerIp(i), serverPort, 1, method)));
        }
    }

    /// <summary>Runs a heartbeat and answers the Neighbor Solicitations it sends for the real servers.</summary>
    public void ResolveServers(long nowMs = 0)
    {
        Heartbeat(nowMs);
        for (var i = 0; i < ServerAddresses.Length; i++)
        {
            FromServer(Advertisement(ServerMac(i), ServerAddresses[i], ServerLinkMac, ServerLinkAddress));
        }

        DrainBoth();
    }

    /// <summary>A solicited advertisement of <paramref name="target"/> at <paramref name="mac"/>.</summary>
    public static byte[] Advertisement(MacAddress mac, UInt128 target, MacAddress toMac, UInt128 to)
    {
        var frame = new byte[NeighborDiscovery.FrameLength];
        var solicitation = new NeighborSolicitation
        {
            SourceAddress = to,
            TargetAddress = target,
            HasSourceLinkLayerAddress = true,
            SourceLinkLayerAddress = toMac,
        };
        Assert.Equal(frame.Length, NeighborDiscovery.WriteSolicitedAdvertisement(frame, in solicitation, mac));
        return frame;
    }

    /// <summary>Sends a client frame and returns the one IPv6 frame forwarded to the server side (parsed, checksum verified).</summary>
    public (byte[] Frame, FrameInfo Info, int Server) Forward(byte[] clientFrame)
    {
        FromClient(clientFrame);
        var sent = Assert.Single(DrainSent(ServerLink));
        Assert.Equal(EtherType.Ipv6, EthernetHeader.Type(sent));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(sent, out var info));
        Assert.True(TransportChecksum.Verify(sent, info));
        return (sent, info, Array.IndexOf(ServerAddresses, info.DestinationAddress6));
    }

    public static Ipv6FrameBuilder Client() => new()
    {
        Source = ClientMac,
        Destination = ClientLinkMac,
        SourceAddress = ClientAddress,
        DestinationAddress = Vip,
    };

    public static Ipv6FrameBuilder Server(int i) => new()
    {
        Source = ServerMac(i),
        Destination = ServerLinkMac,
        SourceAddress = ServerAddresses[i],
        DestinationAddress = ClientAddress,
    };
}
