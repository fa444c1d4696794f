using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using LvsDirector.Io;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Io;

/// <summary>End-to-end against the real kernel: a veth pair in a namespace of its own per test.</summary>
public sealed class AfPacketLinkTests
{
    private const ushort ExperimentalEtherType = 0x88B5;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    /// <summary>An Ethernet frame with the IEEE local experimental EtherType and a unique marker as payload.</summary>
    private static byte[] ExperimentalFrame(MacAddress destination, MacAddress source, byte[] marker, int length = 64)
    {
        var frame = new byte[Math.Max(length, 14 + marker.Length)];
        destination.Write(frame);
        source.Write(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), ExperimentalEtherType);
        marker.CopyTo(frame, 14);
        return frame;
    }

    private static byte[] NewMarker() => Encoding.ASCII.GetBytes("lvsio-" + Guid.NewGuid().ToString("N"));

    private static bool Contains(byte[] frame, byte[] marker) => frame.AsSpan().IndexOf(marker) >= 0;

    [Fact]
    public void Open_UnknownInterface_ThrowsNamingIt()
    {
        var error = Assert.Throws<IOException>(() => AfPacketLink.Open("nosuchlvs0", AfPacketOptions.Default));
        Assert.Contains("nosuchlvs0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RejectsBadOptions()
    {
        Assert.Throws<ArgumentException>(() => AfPacketLink.Open("lo", new AfPacketOptions { Ring = AfPacketRing.Blocks, BlockSize = 1000 }));
        Assert.Throws<ArgumentException>(() => AfPacketLink.Open("lo", new AfPacketOptions { FrameSize = 3000 }));
        Assert.Throws<ArgumentException>(() => AfPacketLink.Open("lo", new AfPacketOptions { FrameSize = 128 }));
        Assert.Throws<ArgumentException>(() => AfPacketLink.Open("lo", new AfPacketOptions { MaxFrameSize = 1000 }));
        Assert.Throws<ArgumentException>(() => AfPacketLink.Open("lo", new AfPacketOptions { FrameCount = -1 }));
        Assert.Throws<ArgumentException>(() => AfPacketLink.Open("lo", new AfPacketOptions { TxBatchSize = 0 }));
    }

    [RootFact]
    public void Open_ReportsInterfaceFacts()
    {
        using var lab = VethLab.Create();
        using var link = lab.Open(VethLab.B);
        var index = int.Parse(lab.Namespace.Exec("cat", "/sys/class/net/vb/ifindex").Trim(), System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(VethLab.B, link.Name);
        Assert.Equal(index, link.InterfaceIndex);
        Assert.Equal(VethLab.MacB, link.HardwareAddress);
        Assert.Equal(1500, link.Mtu);
    }

    [RootFact]
    public void KernelUdpDatagram_ArrivesOnPeer_FlaggedChecksumNotReady()
    {
        using var lab = VethLab.Create();
        using var link = lab.Open(VethLab.B);
        var marker = NewMarker();

        lab.SendUdpFromKernel(VethLab.ForeignAddress, 9999, marker);
        var (frame, flags) = Assert.Single(VethLab.PollFor(link, f => Contains(f, marker), Wait));

        Assert.True((flags & FrameFlags.ChecksumNotReady) != 0, $"flags were {flags}");
        Assert.Equal(0x0800, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)));
        var ip = frame.AsSpan(14);
        var udp = ip[((ip[0] & 0x0f) * 4)..];
        Assert.Equal(17, ip[9]);
        Assert.Equal(9999, BinaryPrimitives.ReadUInt16BigEndian(udp[2..]));

        // With the checksum left to the (virtual) device, the field holds the folded pseudo-header sum, not the checksum.
        var udpLength = BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);
        uint sum = 17u + udpLength;
        for (var i = 12; i < 20; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(ip[i..]);
        }

        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        Assert.Equal((ushort)sum, BinaryPrimitives.ReadUInt16BigEndian(udp[6..]));
        Assert.True(link.Counters.ChecksumNotReady >= 1);
    }

    [RootTheory]
    [InlineData(AfPacketRing.Frames)]
    [InlineData(AfPacketRing.Blocks)]
    public void SuperFrame_FromUdpGso_ArrivesWholeWithDefaultOptions(AfPacketRing ring)
    {
        using var lab = VethLab.Create();
        using var link = lab.Open(VethLab.B, AfPacketOptions.Default with { Ring = ring });
        var marker = NewMarker();
        var payload = new byte[40_000];
        marker.CopyTo(payload, payload.Length - marker.Length);

        lab.SendUdpSuperFrameFromKernel(VethLab.ForeignAddress, 9999, 1400, payload);
        var (frame, flags) = Assert.Single(VethLab.PollFor(link, f => Contains(f, marker), Wait));

        Assert.Equal(14 + 20 + 8 + payload.Length, frame.Length);
        Assert.True(frame.Length > link.Mtu + 14);
        Assert.Equal(FrameFlags.None, flags & FrameFlags.Truncated);
        Assert.True((flags & FrameFlags.ChecksumNotReady) != 0, $"flags were {flags}");
    }

    [RootFact]
    public void KernelTraffic_LeavingOurInterface_IsNotDelivered()
    {
        using var lab = VethLab.Create();
        using var sender = lab.Open(VethLab.A);
        using var peer = lab.Open(VethLab.B);
        var marker = NewMarker();

        lab.SendUdpFromKernel(VethLab.ForeignAddress, 9999, marker);

        Assert.Single(VethLab.PollFor(peer, f => Contains(f, marker), Wait));
        Assert.Empty(VethLab.PollFor(sender, f => Contains(f, marker), Quiet));
    }

    [RootFact]
    public void SentFrame_ArrivesOnPeer_AndIsNotLoopedBack()
    {
        using var lab = VethLab.Create();
        using var link = lab.Open(VethLab.A);
        using var sameInterface = lab.Open(VethLab.A);
        using var sameInterfaceNoOption = lab.Open(VethLab.A, VethLab.TestOptions with { IgnoreOutgoing = false });
        using var peer = lab.Open(VethLab.B);
        var marker = NewMarker();
        var frame = ExperimentalFrame(VethLab.MacB, VethLab.MacA, marker);

        Assert.True(link.TrySend(frame));
        link.Flush();

        var (received, _) = Assert.Single(VethLab.PollFor(peer, f => Contains(f, marker), Wait));
        Assert.Equal(frame, received);
        Assert.Equal(1, link.Counters.Sent);
        Assert.Equal(frame.Length, link.Counters.SentBytes);
        Assert.Equal(0, link.Counters.SendFailures);

        Assert.Empty(VethLab.PollFor(link, f => Contains(f, marker), Quiet));
        Assert.Empty(VethLab.PollFor(sameInterface, f => Contains(f, marker), Quiet));

        // Without PACKET_IGNORE_OUTGOING the kernel does hand the frame over, and the ring walk skips it.
        Assert.Empty(VethLab.PollFor(sameInterfaceNoOption, f => Contains(f, marker), Quiet));
        Assert.True(sameInterfaceNoOption.Counters.IgnoredOutgoing >= 1);
    }

    [RootFact]
    public void ManyFrames_AreSentInBatches_AndAllArrive()
    {
        using var lab = VethLab.Create();
        using var link = lab.Open(VethLab.A, VethLab.TestOptions with { TxBatchSize = 8 });
        using var peer = lab.Open(VethLab.B);
        var marker = NewMarker();
        const int Count = 100;

        for (var i = 0; i < Count; i++)
        {
            var frame = ExperimentalFrame(VethLab.MacB, VethLab.MacA, marker, 100);
            frame[^1] = (byte)i;
            Assert.True(link.TrySend(frame));
        }

        link.Flush();
        var received = VethLab.PollFor(peer, f => Contains(f, marker), Wait, stopAtFirst: false);

        Assert.Equal(Count, link.Counters.Sent);
        Assert.Equal(Enumerable.Range(0, Count).Select(i => (byte)i), received.Select(r => r.Frame[^1]));
    }

    [RootTheory]
    [InlineData(AfPacketRing.Frames, 200)]
    [InlineData(AfPacketRing.Frames, 6000)]
    [InlineData(AfPacketRing.Blocks, 200)]
    public void SendAndPoll_AllocateNothing(AfPacketRing ring, int frameLength)
    {
        using var lab = VethLab.Create();
        if (frameLength > 1514)
        {
            // Longer than a 2048-byte slot: these take the copy path.
            lab.SetMtu(9000);
        }

        using var sender = lab.Open(VethLab.A, VethLab.TestOptions with { TxBatchSize = 16 });
        using var receiver = lab.Open(VethLab.B, ring == AfPacketRing.Blocks ? VethLab.BlockTestOptions : VethLab.TestOptions with { FrameSize = 2048 });
        var frame = ExperimentalFrame(VethLab.MacB, VethLab.MacA, NewMarker(), frameLength);
        var sink = new CountingSink(ExperimentalEtherType);

        // In rounds of 50 frames: a burst of 1,000 would overflow a small frame ring, or the kernel's backlog queue
        // (netdev_max_backlog) when softirqs are deferred on a busy machine.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Run(int frames)
        {
            for (var sent = 0; sent < frames; sent += 50)
            {
                var chunk = Math.Min(50, frames - sent);
                var target = sink.Count + chunk;
                for (var i = 0; i < chunk; i++)
                {
                    sender.TrySend(frame);
                }

                sender.Flush();
                for (var polls = 0; polls < 300 && sink.Count < target; polls++)
                {
                    receiver.Poll(sink, 10);
                }
            }
        }

        var received = 0;
        var allocated = AllocationProbe.Measure(
            frames =>
            {
                received = sink.Count;
                Run(frames);
            },
            200,
            1000);
        Assert.Equal(1000, sink.Count - received);
        Assert.Equal(0, allocated);
    }

    [RootFact]
    public void TrySend_RejectsFramesLargerThanTheSlot()
    {
        using var lab = VethLab.Create();
        using var link = lab.Open(VethLab.A);

        Assert.Equal(1500 + 22, link.MaxTxFrameSize);
        Assert.False(link.TrySend(new byte[link.MaxTxFrameSize + 1]));
        Assert.Equal(1, link.Counters.SendFailures);
    }

    /// <summary>Sends one 9,014-byte frame va → vb over MTU 9000 and returns it as the receiver saw it.</summary>
    private static (byte[] Sent, byte[] Received, FrameFlags Flags, LinkCounters Counters) SendJumboFrame(AfPacketOptions receiverOptions)
    {
        using var lab = VethLab.Create();
        lab.SetMtu(9000);
        using var link = lab.Open(VethLab.A);
        using var peer = lab.Open(VethLab.B, receiverOptions);
        var marker = NewMarker();
        var frame = ExperimentalFrame(VethLab.MacB, VethLab.MacA, marker, 9014);

        Assert.True(link.TrySend(frame));
        link.Flush();

        var (received, flags) = Assert.Single(VethLab.PollFor(peer, f => Contains(f, marker), Wait));
        return (frame, received, flags, peer.Counters);
    }

    [RootFact]
    public void FrameLargerThanABlock_IsDeliveredTruncated()
    {
        var (sent, received, flags, counters) = SendJumboFrame(
            new AfPacketOptions { Ring = AfPacketRing.Blocks, BlockSize = 8192, BlockCount = 4, FrameSize = 2048, BlockRetireTimeoutMs = 1 });

        Assert.True((flags & FrameFlags.Truncated) != 0, $"flags were {flags}");
        Assert.InRange(received.Length, 1000, 8192);
        Assert.Equal(sent.AsSpan(0, received.Length).ToArray(), received);
        Assert.Equal(1, counters.Truncated);
    }

    [RootFact]
    public void FrameRing_SlotsFitTheMtu()
    {
        using var lab = VethLab.Create();
        using (var link = lab.Open(VethLab.B, AfPacketOptions.Default))
        {
            Assert.Equal(AfPacketRing.Frames, link.Ring);
            Assert.Equal(2048, link.FrameSlotSize);
        }

        lab.SetMtu(9000);
        using var jumbo = lab.Open(VethLab.B, AfPacketOptions.Default);
        Assert.Equal(16384, jumbo.FrameSlotSize);
    }

    [RootFact]
    public void FrameRing_DeliversAFrameInOnePoll_WhereABlockRingWaitsForItsTimer()
    {
        using var lab = VethLab.Create();
        using var sender = lab.Open(VethLab.A);

        // The same options but for the ring: a frame ring must not depend on any retire timeout.
        var slowTimer = VethLab.BlockTestOptions with { BlockRetireTimeoutMs = 60_000, FrameCount = 512 };
        using var frames = lab.Open(VethLab.B, slowTimer with { Ring = AfPacketRing.Frames });
        using var blocks = lab.Open(VethLab.B, slowTimer);
        var marker = NewMarker();
        var frameSink = new CollectingSink();
        var blockSink = new CollectingSink();

        Assert.True(sender.TrySend(ExperimentalFrame(VethLab.MacB, VethLab.MacA, marker)));
        sender.Flush();

        // The slot is the frame's as soon as the kernel has written it, and poll wakes for it: one call returns it.
        // The block it also went into is handed over only when full or after a minute.
        Assert.Equal(1, frames.Poll(frameSink, 1000));
        Assert.Equal(0, blocks.Poll(blockSink, 50));
        Assert.True(Contains(Assert.Single(frameSink.Frames).Frame, marker));
        Assert.Empty(blockSink.Frames);
    }

    [RootFact]
    public void FrameLargerThanASlot_ArrivesWhole_AndInOrderWithTheOthers()
    {
        using var lab = VethLab.Create();
        lab.SetMtu(9000);
        using var link = lab.Open(VethLab.A);
        using var peer = lab.Open(VethLab.B, VethLab.TestOptions with { FrameSize = 2048 });
        var marker = NewMarker();
        var sent = new List<byte[]>();
        for (var i = 0; i < 12; i++)
        {
            // Large, small, large, ...: every copied frame must meet its own slot, or sizes and counters go wrong.
            var frame = ExperimentalFrame(VethLab.MacB, VethLab.MacA, marker, i % 2 == 0 ? 9014 : 100 + i);
            frame[^1] = (byte)i;
            sent.Add(frame);
            Assert.True(link.TrySend(frame));
        }

        link.Flush();
        var received = VethLab.PollFor(peer, f => Contains(f, marker), Wait, stopAtFirst: false);

        Assert.Equal(2048, peer.FrameSlotSize);
        Assert.Equal(sent, received.Select(r => r.Frame));
        Assert.All(received, r => Assert.Equal(FrameFlags.None, r.Flags & FrameFlags.Truncated));
        Assert.Equal(0, peer.Counters.Truncated);
        Assert.Equal(0, peer.Counters.CopyFailures);
    }

    [RootFact]
    public void FrameLongerThanMaxFrameSize_IsDeliveredCutAndFlagged()
    {
        var (sent, received, flags, counters) = SendJumboFrame(VethLab.TestOptions with { FrameSize = 2048, MaxFrameSize = 4096 });

        Assert.True((flags & FrameFlags.Truncated) != 0, $"flags were {flags}");
        Assert.Equal(sent.AsSpan(0, 4096).ToArray(), received);
        Assert.Equal(1, counters.Truncated);
    }

    [RootFact]
    public void OutgoingFrameLargerThanASlot_IsSkipped_AndTheNextCopyStillMatchesItsSlot()
    {
        using var lab = VethLab.Create();
        lab.SetMtu(9000);
        using var sender = lab.Open(VethLab.A);

        // A socket never sees its own frames, so a second one on va watches them leave.
        using var link = lab.Open(VethLab.A, VethLab.TestOptions with { FrameSize = 2048, IgnoreOutgoing = false });
        using var peer = lab.Open(VethLab.B);
        var outgoing = NewMarker();
        var incoming = NewMarker();
        var mine = ExperimentalFrame(VethLab.MacB, VethLab.MacA, outgoing, 9014);
        var theirs = ExperimentalFrame(VethLab.MacA, VethLab.MacB, incoming, 8000);

        Assert.True(sender.TrySend(mine));
        sender.Flush();
        Assert.Single(VethLab.PollFor(peer, f => Contains(f, outgoing), Wait));
        Assert.True(peer.TrySend(theirs));
        peer.Flush();

        var received = VethLab.PollFor(link, f => Contains(f, outgoing) || Contains(f, incoming), Wait);
        Assert.Equal(theirs, Assert.Single(received).Frame);
        Assert.Equal(1, link.Counters.IgnoredOutgoing);
        Assert.Equal(0, link.Counters.CopyFailures);
    }

    [RootFact]
    public void FrameRing_ReportsKernelPacketsAndDrops()
    {
        using var lab = VethLab.Create();
        using var sender = lab.Open(VethLab.A);
        using var peer = lab.Open(VethLab.B, VethLab.TestOptions with { FrameCount = 32 });
        var marker = NewMarker();
        const int Count = 100;
        for (var i = 0; i < Count; i++)
        {
            Assert.True(sender.TrySend(ExperimentalFrame(VethLab.MacB, VethLab.MacA, marker)));
        }

        // Nothing reads the ring of 32 slots meanwhile: the kernel keeps 32 frames and counts the rest as drops.
        sender.Flush();
        var delivered = VethLab.PollFor(peer, f => Contains(f, marker), Quiet, stopAtFirst: false).Count;

        var counters = peer.Counters;
        Assert.Equal(32, delivered);
        Assert.Equal(Count - 32, counters.RxDropped);
        Assert.Equal(Count, counters.KernelPackets);
    }

    [RootFact]
    public void FanoutGroup_SplitsButLosesNothing()
    {
        using var lab = VethLab.Create();
        var fanout = VethLab.TestOptions with { FanoutGroupId = 0x4c56 };
        using var first = lab.Open(VethLab.B, fanout);
        using var second = lab.Open(VethLab.B, fanout);
        using var sender = lab.Open(VethLab.A);
        var marker = NewMarker();
        const int Count = 20;
        for (var i = 0; i < Count; i++)
        {
            sender.TrySend(ExperimentalFrame(VethLab.MacB, VethLab.MacA, marker));
        }

        sender.Flush();
        var total = VethLab.PollFor(first, f => Contains(f, marker), Quiet, stopAtFirst: false).Count
            + VethLab.PollFor(second, f => Contains(f, marker), Quiet, stopAtFirst: false).Count;

        Assert.Equal(Count, total);
    }

    [RootFact]
    public void Promiscuous_IsOnWhileTheLinkIsOpen()
    {
        using var lab = VethLab.Create();
        using (lab.Open(VethLab.B, VethLab.TestOptions with { Promiscuous = true }))
        {
            // A socket's membership raises the promiscuity count; ip shows the PROMISC flag only when set by hand.
            Assert.Contains("promiscuity 1 ", lab.Namespace.Ip("-d", "link", "show", VethLab.B), StringComparison.Ordinal);
        }

        Assert.Contains("promiscuity 0 ", lab.Namespace.Ip("-d", "link", "show", VethLab.B), StringComparison.Ordinal);
    }

    [RootFact]
    public void Poll_TimesOutOnASilentInterface()
    {
        using var lab = VethLab.Create();
        using var link = lab.Open(VethLab.B);
        VethLab.PollFor(link, _ => false, Quiet);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(0, link.Poll(new CollectingSink(), 100));
        Assert.InRange(watch.ElapsedMilliseconds, 50, 2000);
        Assert.Equal(0, link.Poll(new CollectingSink(), 0));
    }

    [RootFact]
    public void GetIpv4Addresses_ListsAddressAndPrefix()
    {
        using var lab = VethLab.Create();
        lab.Namespace.Ip("addr", "add", "198.19.7.5/16", "dev", VethLab.A);

        var addresses = lab.Namespace.Enter(() => AfPacketLink.GetIpv4Addresses(VethLab.A));
        var none = lab.Namespace.Enter(() => AfPacketLink.GetIpv4Addresses(VethLab.B));

        Assert.Contains((0xC6120001u, 24), addresses);
        Assert.Contains((0xC6130705u, 16), addresses);
        Assert.Equal(2, addresses.Count);
        Assert.Empty(none);
    }
}
