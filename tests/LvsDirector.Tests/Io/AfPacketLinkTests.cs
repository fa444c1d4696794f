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
        Assert.Throws<ArgumentException>(() => AfPacketLink.Open("lo", new AfPacketOptions { BlockSize = 1000 }));
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

    [RootFact]
    public void SuperFrame_FromUdpGso_ArrivesWholeWithDefaultOptions()
    {
        using var lab = VethLab.Create();
        using var link = lab.Open(VethLab.B, AfPacketOptions.Default);
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

    [RootFact]
    public void SendAndPoll_AllocateNothing()
    {
        using var lab = VethLab.Create();
        using var sender = lab.Open(VethLab.A, VethLab.TestOptions with { TxBatchSize = 16 });
        using var receiver = lab.Open(VethLab.B);
        var frame = ExperimentalFrame(VethLab.MacB, VethLab.MacA, NewMarker(), 200);
        var sink = new CountingSink(ExperimentalEtherType);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Run(int frames)
        {
            var target = sink.Count + frames;
            for (var i = 0; i < frames; i++)
            {
                sender.TrySend(frame);
            }

            sender.Flush();
            for (var polls = 0; polls < 500 && sink.Count < target; polls++)
            {
                receiver.Poll(sink, 10);
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

    [RootFact]
    public void FrameLargerThanABlock_IsDeliveredTruncated()
    {
        using var lab = VethLab.Create();
        lab.Namespace.Ip("link", "set", VethLab.A, "mtu", "9000");
        lab.Namespace.Ip("link", "set", VethLab.B, "mtu", "9000");
        using var link = lab.Open(VethLab.A);
        using var peer = lab.Open(VethLab.B, new AfPacketOptions { BlockSize = 8192, BlockCount = 4, FrameSize = 2048, BlockRetireTimeoutMs = 1 });
        var marker = NewMarker();
        var frame = ExperimentalFrame(VethLab.MacB, VethLab.MacA, marker, 9014);

        Assert.True(link.TrySend(frame));
        link.Flush();

        var (received, flags) = Assert.Single(VethLab.PollFor(peer, f => Contains(f, marker), Wait));
        Assert.True((flags & FrameFlags.Truncated) != 0, $"flags were {flags}");
        Assert.InRange(received.Length, 1000, 8192);
        Assert.Equal(frame.AsSpan(0, received.Length).ToArray(), received);
        Assert.Equal(1, peer.Counters.Truncated);
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
