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

        for (var round = 0; round < 3; round++)
        {
            Run(bed, fragments, replyFragments, errorFromServer, firstId: 0, count: 5_000);
            Thread.Sleep(250);
        }

        var forwardedBefore = bed.Counters.ForwardedFrames;
        var translatedBefore = IcmpErrorTranslationTests.Counter(bed, "icmp_errors_translated");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var frames = Run(bed, fragments, replyFragments, errorFromServer, firstId: 10_000, count: Datagrams);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(Datagrams * 7L, frames);
        // Everything went out: three fragments each way and the translated error.
        Assert.Equal(Datagrams * 7L, bed.Counters.ForwardedFrames - forwardedBefore);
        Assert.Equal(Datagrams, IcmpErrorTranslationTests.Counter(bed, "icmp_errors_translated") - translatedBefore);
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
