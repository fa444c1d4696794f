using LvsDirector.DataPath;
using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.Tests.DataPath;

/// <summary>
/// What <see cref="NatTestBed"/> (IPv4) and <see cref="NatTestBed6"/> (IPv6) share: a two-arm director over in-memory
/// links, client side eth0 and server side eth1, and the frame injection and draining tests drive it with.
/// </summary>
internal abstract class NatTestBedBase
{
    public static readonly MacAddress ClientMac = new(0x02_00_00_00_0C_02);
    public static readonly MacAddress ClientLinkMac = new(0x02_00_00_00_D0_01);
    public static readonly MacAddress ServerLinkMac = new(0x02_00_00_00_D1_01);

    protected NatTestBedBase(int linkCapacity, bool discardSent, int serverMtu)
    {
        ClientLink = new InMemoryLink("eth0", ClientLinkMac, 1500, linkCapacity, linkCapacity, 65536) { DiscardSent = discardSent };
        ServerLink = new InMemoryLink("eth1", ServerLinkMac, serverMtu, linkCapacity, linkCapacity, 65536) { DiscardSent = discardSent };
    }

    public InMemoryLink ClientLink { get; }

    public InMemoryLink ServerLink { get; }

    public ServiceTable Services { get; } = new();

    public DataPathCounters Counters { get; } = new();

    /// <summary>The worker, built by the family's bed over <see cref="ClientLink"/> and <see cref="ServerLink"/>.</summary>
    public abstract PacketWorker Worker { get; }

    public static MacAddress ServerMac(int i) => new(0x02_00_00_00_5E_00UL + (ulong)i);

    public void Heartbeat(long nowMs)
    {
        Worker.NowMs = nowMs;
        Worker.MaybeHeartbeat();
    }

    public void FromClient(byte[] frame, FrameFlags flags = FrameFlags.None)
    {
        Assert.True(ClientLink.Inject(frame, flags));
        Worker.PollOnce(0);
    }

    public void FromServer(byte[] frame, FrameFlags flags = FrameFlags.None)
    {
        Assert.True(ServerLink.Inject(frame, flags));
        Worker.PollOnce(0);
    }

    /// <summary>Takes every frame the worker has sent on <paramref name="link"/>, oldest first.</summary>
    public static List<byte[]> DrainSent(InMemoryLink link)
    {
        var frames = new List<byte[]>();
        var buffer = new byte[4096];
        while (link.TryTakeSent(buffer, out var length))
        {
            frames.Add(buffer.AsSpan(0, length).ToArray());
        }

        return frames;
    }

    /// <summary>Drops whatever the worker has sent so far on both links.</summary>
    protected void DrainBoth()
    {
        DrainSent(ServerLink);
        DrainSent(ClientLink);
    }
}
