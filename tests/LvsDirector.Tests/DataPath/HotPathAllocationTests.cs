using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.Tests.DataPath;

/// <summary>
/// The per-packet path (parse → connection lookup → schedule → NAT rewrite → transmit) must not allocate:
/// a garbage collection pause is a forwarding stall for every flow.
/// </summary>
public class HotPathAllocationTests
{
    private const int NewConnections = 500_000;

    [Fact]
    public void A_million_frames_through_the_pipeline_allocate_nothing()
    {
        var bed = new NatTestBed(scheduler: "wrr", weights: [3, 2, 1], tableSize: NewConnections + 65_536, linkCapacity: 64, discardSent: true);
        bed.ResolveServers();
        bed.ServerLink.DiscardSent = true;
        bed.ClientLink.DiscardSent = true;

        var syn = NatTestBed.Client().Tcp(1, 80, TcpFlags.Syn, []);
        var data = NatTestBed.Client().Tcp(1, 80, TcpFlags.Ack | TcpFlags.Psh, new byte[64]);
        var reply = NatTestBed.Server(0).Tcp(8080, 1, TcpFlags.Ack, new byte[64]);

        var (allocated, frames, forwardedBefore, _) = Measure(bed, syn, data, reply, NewConnections);

        Assert.True(frames >= 1_000_000, $"only {frames} frames pushed");
        Assert.Equal(0, allocated);
        // The frames were really forwarded, not dropped early: SYN and data to servers, replies to the client.
        Assert.True(bed.Counters.ForwardedFrames - forwardedBefore >= NewConnections * 2);
        Assert.True(bed.Connections.Count >= NewConnections);
    }

    [Fact]
    public void Firewall_mark_classification_and_persistence_allocate_nothing()
    {
        const int Connections = 200_000;
        var bed = new NatTestBed(tableSize: Connections + 65_536, linkCapacity: 64, discardSent: true, defaultService: false);
        bed.Services.SetFirewallMarks(
        [
            new FirewallMarkRule(9, FirewallMarkProtocol.Udp, IPAddress.Parse("198.18.0.100"), 32, [new(53, 53)]),
            new FirewallMarkRule(1, FirewallMarkProtocol.Tcp, IPAddress.Parse("198.18.0.100"), 32, [new(80, 80), new(443, 443)]),
        ]);
        bed.AddService(new VirtualServiceSpec(ServiceKey.ForFwmark(1), "wrr") { PersistenceTimeoutSeconds = 300, PersistenceNetmask = IPAddress.Parse("255.255.255.0") }, 0);
        bed.ResolveServers();
        bed.ServerLink.DiscardSent = true;
        bed.ClientLink.DiscardSent = true;

        var syn = NatTestBed.Client().Tcp(1, 80, TcpFlags.Syn, []);
        var data = NatTestBed.Client().Tcp(1, 80, TcpFlags.Ack | TcpFlags.Psh, new byte[64]);
        var reply = NatTestBed.Server(0).Tcp(80, 1, TcpFlags.Ack, new byte[64]);

        var (allocated, frames, _, templatesBefore) = Measure(bed, syn, data, reply, Connections);

        Assert.True(frames >= 400_000, $"only {frames} frames pushed");
        Assert.Equal(0, allocated);
        // Clients share a template per /24: 1024 connections per client address, 256 addresses per template.
        Assert.True(bed.Connections.TemplateCount > templatesBefore);
        Assert.True(bed.Connections.Count >= Connections);
    }

    [Theory]
    [InlineData(ForwardingMethod.DirectRouting, TunnelType.Ipip, 1500)]
    [InlineData(ForwardingMethod.Tunnel, TunnelType.Ipip, 1500)]
    [InlineData(ForwardingMethod.Tunnel, TunnelType.Gue, 1500)]
    [InlineData(ForwardingMethod.Tunnel, TunnelType.Ipip, 1400)]
    public void Direct_routing_and_tunnel_frames_allocate_nothing(ForwardingMethod method, TunnelType tunnelType, int serverMtu)
    {
        const int Connections = 100_000;
        var bed = new NatTestBed(tableSize: Connections + 65_536, linkCapacity: 64, discardSent: true, defaultService: false, serverMtu: serverMtu);
        bed.AddService(new VirtualServiceSpec(NatTestBed.Key, "rr"), 80, method: method, tunnelType: tunnelType, tunnelPort: 6080);
        bed.ResolveServers();
        bed.ServerLink.DiscardSent = true;
        bed.ClientLink.DiscardSent = true;

        // With MTU 1400 the 1500-byte DF segment gets fragmentation-needed (rate-limited) instead of going through.
        var syn = NatTestBed.Client().Tcp(1, 80, TcpFlags.Syn, []);
        var data = NatTestBed.Client().Tcp(1, 80, TcpFlags.Ack | TcpFlags.Psh, new byte[1500 - 40]);
        var reply = NatTestBed.Server(0).Tcp(80, 1, TcpFlags.Ack, new byte[64]);

        var (allocated, frames, forwardedBefore, _) = Measure(bed, syn, data, reply, Connections);

        Assert.True(frames >= 200_000, $"only {frames} frames pushed");
        Assert.Equal(0, allocated);
        Assert.True(bed.Counters.ForwardedFrames - forwardedBefore >= Connections);
    }

    // Warm-up rounds take every branch on addresses the measured run does not use (see AllocationProbe);
    // the counters are read just before the measured run.
    private static (long Allocated, long Frames, long ForwardedBefore, int TemplatesBefore) Measure(
        NatTestBed bed, byte[] syn, byte[] data, byte[] reply, int connections)
    {
        long frames = 0, forwardedBefore = 0;
        var templatesBefore = 0;
        var allocated = AllocationProbe.Measure(
            (round, count) =>
            {
                forwardedBefore = bed.Counters.ForwardedFrames;
                templatesBefore = bed.Connections.TemplateCount;
                frames = Run(bed, syn, data, reply, ClientBase(round), count);
            },
            warmupCount: 10_000,
            measuredCount: connections);
        return (allocated, frames, forwardedBefore, templatesBefore);
    }

    // Each connection: its SYN (scheduled and added), a data segment (found inbound), and — for a third of
    // them — a server reply (found outbound). Addresses and ports are patched in place; checksums need not
    // be valid for this measurement since nothing verifies them on the way.
    // Fully optimised from the start: otherwise on-stack replacement of this long loop allocates a few
    // bytes once, on this thread, in the middle of the measurement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Run(NatTestBed bed, byte[] syn, byte[] data, byte[] reply, uint clientBase, int count)
    {
        long frames = 0;
        for (var i = 0; i < count; i++)
        {
            var client = clientBase + (uint)(i >> 10);
            var port = (ushort)(1024 + (i & 1023));
            Patch(syn, client, port, source: true);
            Patch(data, client, port, source: true);
            Inject(bed, syn, fromClient: true);
            Inject(bed, data, fromClient: true);
            frames += 2;
            if (i % 3 == 0)
            {
                // Server 0 gets every sixth connection under 3:2:1; replies for others simply miss (still parsed and looked up).
                Patch(reply, client, port, source: false);
                Inject(bed, reply, fromClient: false);
                frames++;
            }
        }

        return frames;
    }

    // Warm-up rounds use their own client addresses so the measured run still opens new connections.
    private static uint ClientBase(int round) =>
        round == AllocationProbe.MeasuredRound ? 0xC614_0000u : 0xC612_1000u + ((uint)round << 8);

    private static void Patch(byte[] frame, uint address, ushort port, bool source)
    {
        var ip = frame.AsSpan(14);
        BinaryPrimitives.WriteUInt32BigEndian(ip[(source ? 12 : 16)..], address);
        BinaryPrimitives.WriteUInt16BigEndian(ip[(20 + (source ? 0 : 2))..], port);
    }

    private static void Inject(NatTestBed bed, byte[] frame, bool fromClient)
    {
        var link = fromClient ? bed.ClientLink : bed.ServerLink;
        if (!link.Inject(frame))
        {
            throw new InvalidOperationException("in-memory link full");
        }

        bed.Worker.PollOnce(0);
    }
}
