using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using LvsDirector.Packets;

namespace LvsDirector.Tests.DataPath;

/// <summary>Fragment forwarding (in order and held out of order) and ICMP error translation allocate nothing per frame.</summary>
public class IcmpAndFragmentAllocationTests
{
    private const int Datagrams = 50_000;

    [Fact]
    public void Fragments_and_icmp_errors_allocate_nothing()
    {
        var bed = IcmpErrorTranslationTests.UdpBed();
        var request = NatTestBed.Client().Udp(40000, 53, "q"u8);
        var (forwarded, _, server) = bed.Forward(request);
        bed.ServerLink.DiscardSent = true;
        bed.ClientLink.DiscardSent = true;

        var fragments = FragmentFrames.Split(NatTestBed.Client(ipId: 1).Udp(40000, 53, new byte[4000])).ToArray();
        var replyFragments = FragmentFrames.Split(NatTestBed.Server(server).Udp(5353, 40000, new byte[4000])).ToArray();
        var errorFromServer = FragmentFrames.IcmpError(NatTestBed.Server(server), Icmp.DestinationUnreachableType, 3, forwarded);

        // Each round takes its own fragment ids, so the measured run never meets a warm-up datagram.
        long forwardedBefore = 0;
        long frames = 0;
        var allocated = AllocationProbe.Measure(
            (round, count) =>
            {
                forwardedBefore = bed.Counters.ForwardedFrames;
                frames = Run(bed, fragments, replyFragments, errorFromServer, firstId: round * 5_000, count);
            },
            warmupCount: 5_000,
            measuredCount: Datagrams);
        var translated = IcmpErrorTranslationTests.Counter(bed, "icmp_errors_translated");

        Assert.Equal(0, allocated);
        Assert.Equal(Datagrams * 7L, frames);
        // Everything went out: three fragments each way and the translated error.
        Assert.Equal(Datagrams * 7L, bed.Counters.ForwardedFrames - forwardedBefore);
        // Every error was translated, in the warm-up rounds and in the measured one.
        Assert.Equal((3 * 5_000) + Datagrams, translated);
    }

    // Client fragments in order, reply fragments with the last one first (held, then released), then an error.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Run(NatTestBed bed, byte[][] fragments, byte[][] replyFragments, byte[] error, int firstId, int count)
    {
        long frames = 0;
        for (var i = 0; i < count; i++)
        {
            var id = (ushort)(firstId + i);
            foreach (var fragment in fragments)
            {
                SetId(fragment, id);
            }

            foreach (var fragment in replyFragments)
            {
                SetId(fragment, id);
            }

            Inject(bed, fragments[0], fromClient: true);
            Inject(bed, fragments[1], fromClient: true);
            Inject(bed, fragments[2], fromClient: true);
            Inject(bed, replyFragments[2], fromClient: false);
            Inject(bed, replyFragments[0], fromClient: false);
            Inject(bed, replyFragments[1], fromClient: false);
            Inject(bed, error, fromClient: false);
            frames += 7;
        }

        return frames;
    }

    private static void SetId(byte[] frame, ushort id) => BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14 + 4), id);

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
