using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.Tests.DataPath;

/// <summary>The IPv6 per-packet paths (NAT in and out, DR, 6in6, ND answers) must not allocate, like the IPv4 ones.</summary>
public class Ipv6AllocationTests
{
    [Theory]
    [InlineData(ForwardingMethod.Masquerade)]
    [InlineData(ForwardingMethod.DirectRouting)]
    [InlineData(ForwardingMethod.Tunnel)]
    public void Ipv6_flows_allocate_nothing(ForwardingMethod method)
    {
        const int Connections = 50_000;
        var bed = new NatTestBed6(method, tableSize: (Connections * 5) + 65_536, linkCapacity: 64);
        bed.ResolveServers();
        bed.ServerLink.DiscardSent = true;
        bed.ClientLink.DiscardSent = true;

        var syn = NatTestBed6.Client().Tcp(1, 80, TcpFlags.Syn, []);
        var data = NatTestBed6.Client().Tcp(1, 80, TcpFlags.Ack | TcpFlags.Psh, new byte[64]);
        var reply = NatTestBed6.Server(0).Tcp(8080, 1, TcpFlags.Ack, new byte[64]);
        var solicitation = new byte[NeighborDiscovery.FrameLength];
        NeighborDiscovery.WriteSolicitation(solicitation, NatTestBed6.ClientMac, NatTestBed6.ClientAddress, NatTestBed6.Vip);
        var round = 0;
        var forwardedBefore = 0L;

        var allocated = AllocationProbe.Measure(
            count =>
            {
                forwardedBefore = bed.Counters.ForwardedFrames;
                Run(bed, syn, data, reply, solicitation, (UInt128)(++round) << 32, count);
            },
            warmupCount: 5_000,
            measuredCount: Connections);

        Assert.Equal(0, allocated);
        Assert.True(bed.Counters.ForwardedFrames - forwardedBefore >= Connections * 2);
        Assert.True(bed.Counters.NeighborAdvertisementsSent > 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run(NatTestBed6 bed, byte[] syn, byte[] data, byte[] reply, byte[] solicitation, UInt128 clientBase, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var client = NatTestBed6.ClientAddress + clientBase + (UInt128)(uint)(i >> 10);
            var port = (ushort)(1024 + (i & 1023));
            Patch(syn, client, port, source: true);
            Patch(data, client, port, source: true);
            Inject(bed, syn, fromClient: true);
            Inject(bed, data, fromClient: true);
            if (i % 3 == 0)
            {
                Patch(reply, client, port, source: false);
                Inject(bed, reply, fromClient: false);
            }

            if (i % 1000 == 0)
            {
                Inject(bed, solicitation, fromClient: true);
            }
        }
    }

    private static void Patch(byte[] frame, UInt128 address, ushort port, bool source)
    {
        var ip = frame.AsSpan(14);
        BinaryPrimitives.WriteUInt128BigEndian(ip[(source ? 8 : 24)..], address);
        BinaryPrimitives.WriteUInt16BigEndian(ip[(40 + (source ? 0 : 2))..], port);
    }

    private static void Inject(NatTestBed6 bed, byte[] frame, bool fromClient)
    {
        var link = fromClient ? bed.ClientLink : bed.ServerLink;
        if (!link.Inject(frame))
        {
            throw new InvalidOperationException("in-memory link full");
        }

        bed.Worker.PollOnce(0);
    }
}
