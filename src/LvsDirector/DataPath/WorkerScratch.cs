namespace LvsDirector.DataPath;

/// <summary>
/// The buffers one packet worker builds frames in, and the identification its built IPv4 packets carry.
/// </summary>
/// <remarks>
/// Belongs to one worker thread: nothing here is locked, and each buffer is reused by the next frame, so what is built
/// in one is sent (or copied into a neighbour's hold slot) before the worker handles another frame. Allocated once
/// with the worker, so building a frame allocates nothing. A super-frame's segments in <see cref="Frame"/> may each be
/// encapsulated into <see cref="Tunnel"/>, and a tunnel packet cut into <see cref="Fragments"/>: three buffers, one per
/// stage, none overwritten while the stage before still reads it.
/// </remarks>
internal sealed class WorkerScratch
{
    private const int MaxSegments = 64;
    private const int MaxFragments = 64;
    private const int MaxProbes = 64;

    private ushort _ipv4Id;

    /// <summary>
    /// Segments of a GRO/TSO super-frame (<see cref="Packets.TcpSegmenter"/>, up to 256 KB in) and the small frames the
    /// worker answers with: ARP, Neighbor Discovery, echo replies.
    /// </summary>
    public byte[] Frame { get; } = new byte[256 * 1024];

    /// <summary>The length of each segment in <see cref="Frame"/>.</summary>
    public int[] SegmentLengths { get; } = new int[MaxSegments];

    /// <summary>One encapsulated packet (DR/TUN) or one ICMP error (fragmentation-needed, Packet Too Big): 64 KB of IP and headers.</summary>
    public byte[] Tunnel { get; } = new byte[ushort.MaxValue + 128];

    /// <summary>The IPv4 fragments of one packet too big for the egress MTU.</summary>
    public byte[] Fragments { get; } = new byte[2 * (ushort.MaxValue + 1024)];

    /// <summary>The length of each fragment in <see cref="Fragments"/>.</summary>
    public int[] FragmentLengths { get; } = new int[MaxFragments];

    /// <summary>The IPv4 neighbours the heartbeat asks for with ARP requests.</summary>
    public uint[] ProbeTargets { get; } = new uint[MaxProbes];

    /// <summary>The IPv6 neighbours the heartbeat solicits.</summary>
    public UInt128[] ProbeTargets6 { get; } = new UInt128[MaxProbes];

    /// <summary>The IPv4 identification of the next packet built here (outer tunnel headers, ICMP errors); wraps.</summary>
    public ushort NextIpv4Id() => _ipv4Id++;
}
