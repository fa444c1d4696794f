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
/// A two-arm NAT director over in-memory links: client side 198.18.0.0/24, server side 198.19.0.0/24,
/// VIP 198.18.0.100. Tests inject frames as the client or a real server would send them.
/// </summary>
internal sealed class NatTestBed : NatTestBedBase
{
    public const uint Vip = 0xC612_0064;          // 198.18.0.100
    public const uint ClientAddress = 0xC612_0002; // 198.18.0.2
    public static readonly uint[] ServerAddresses = [0xC613_000B, 0xC613_000C, 0xC613_000D]; // 198.19.0.11-13

    public NatTestBed(
        string scheduler = "rr",
        int[]? weights = null,
        int tableSize = 4096,
        int linkCapacity = 256,
        bool discardSent = false,
        PacketWorkerOptions? options = null,
        ConnectionTimeouts? timeouts = null,
        bool defaultService = true,
        int serverMtu = 1500,
        LvsDirector.Forwarding.Route[]? serverRoutes = null)
        : base(linkCapacity, discardSent, serverMtu)
    {
        LinkContext[] links =
        [
            new LinkContext(0, ClientLink, [(0xC612_0001u, 24)], new NeighborTable()),
            new LinkContext(1, ServerLink, [(0xC613_0001u, 24)], new NeighborTable()) { Routes = serverRoutes ?? [] },
        ];
        Connections = new ConnectionTable(tableSize, timeouts ?? ConnectionTimeouts.Default, seed: 42);
        Worker = new PacketWorker(links, Services, Connections, Counters, options);
        if (!defaultService)
        {
            return;
        }

        Assert.Equal(ServiceTableError.None, Services.AddService(new VirtualServiceSpec(Key, scheduler)));
        weights ??= [1, 1, 1];
        for (var i = 0; i < weights.Length; i++)
        {
            Assert.Equal(ServiceTableError.None, Services.AddRealServer(Key, new RealServerSpec(Ipv4Address.ToIPAddress(ServerAddresses[i]), 8080, weights[i], ForwardingMethod.Masquerade)));
        }
    }

    public static ServiceKey Key { get; } = new(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.100"), 80);

    public static ServiceKey UdpKey { get; } = new(ServiceProtocol.Udp, IPAddress.Parse("198.18.0.100"), 53);

    public ConnectionTable Connections { get; }

    public override PacketWorker Worker { get; }

    public static IPAddress ServerIp(int i) => Ipv4Address.ToIPAddress(ServerAddresses[i]);

    /// <summary>Adds a service and the three real servers (NAT) on <paramref name="serverPort"/>.</summary>
    public void AddService(
        VirtualServiceSpec spec, ushort serverPort, uint upperThreshold = 0, uint lowerThreshold = 0,
        ForwardingMethod method = ForwardingMethod.Masquerade, TunnelType tunnelType = TunnelType.Ipip, ushort tunnelPort = 0)
    {
        Assert.Equal(ServiceTableError.None, Services.AddService(spec));
        for (var i = 0; i < ServerAddresses.Length; i++)
        {
            Assert.Equal(ServiceTableError.None, Services.AddRealServer(spec.Key, new RealServerSpec(ServerIp(i), serverPort, 1, method)
            {
                UpperThreshold = upperThreshold,
                LowerThreshold = lowerThreshold,
                TunnelType = tunnelType,
                TunnelPort = tunnelPort,
            }));
        }
    }

    /// <summary>Sends a client frame and returns the one frame forwarded to the server side (parsed), failing otherwise.</summary>
    public (byte[] Frame, FrameInfo Info, int Server) Forward(byte[] clientFrame)
    {
        FromClient(clientFrame);
        var sent = Assert.Single(DrainSent(ServerLink), f => EthernetHeader.Type(f) == EtherType.Ipv4);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(sent, out var info));
        Assert.True(Ipv4Header.VerifyChecksum(sent.AsSpan(info.L3Offset)));
        Assert.True(TransportChecksum.Verify(sent, info));
        return (sent, info, Array.IndexOf(ServerAddresses, info.DestinationAddress));
    }

    /// <summary>Runs a heartbeat and answers the ARP requests it sends for the real servers.</summary>
    public void ResolveServers(long nowMs = 0)
    {
        Heartbeat(nowMs);
        for (var i = 0; i < ServerAddresses.Length; i++)
        {
            var reply = new byte[60];
            Arp.WriteReply(reply, ServerMac(i), ServerAddresses[i], ServerLinkMac, 0xC613_0001);
            FromServer(reply);
        }

        DrainBoth();
    }

    public static FrameBuilder Client(ushort ipId = 1) => new()
    {
        Source = ClientMac,
        Destination = ClientLinkMac,
        SourceAddress = ClientAddress,
        DestinationAddress = Vip,
        Identification = ipId,
    };

    public static FrameBuilder Server(int i) => new()
    {
        Source = ServerMac(i),
        Destination = ServerLinkMac,
        SourceAddress = ServerAddresses[i],
        DestinationAddress = ClientAddress,
    };
}
