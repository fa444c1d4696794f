using System.Numerics;
using System.Runtime.CompilerServices;
using LvsDirector.Scheduling;

namespace LvsDirector.Connections;

/// <summary>
/// The connection table of one packet worker, after IPVS's ip_vs_conn.c: entries indexed both by the inbound
/// tuple (protocol, client, virtual service) and by the outbound tuple (protocol, real server, client), each
/// entry bound to the destination it was scheduled to, with IPVS's TCP states, timeouts and active/inactive
/// counting.
/// </summary>
/// <remarks>
/// <para>Single owner: one worker thread creates, reads, changes and expires entries; there are no locks. Anyone
/// else (the control plane listing connections) must ask the owning worker to run <see cref="CopyTo(Span{ConnectionEntry}, ref int)"/>
/// between packet batches. Only the destinations' counters are shared, and they are updated with Interlocked.</para>
/// <para>Everything is allocated by the constructor: a struct array of entries, a parallel array of destination
/// references, and two power-of-two bucket arrays (at least twice the capacity each) heading chains threaded
/// through the entries. Lookups, adds, removals and state changes never allocate.</para>
/// <para>Time is whatever millisecond clock the caller passes as nowMs (monotonic in production, virtual in tests).
/// Expiry is one incremental sweep, <see cref="ExpireDue"/>, called from the worker's heartbeat; there is no
/// timer per connection.</para>
/// </remarks>
public sealed class ConnectionTable
{
    /// <summary>Largest capacity accepted (bucket arrays must stay within an int index).</summary>
    public const int MaxCapacity = 1 << 28;

    private const byte ProtocolTcp = 6;
    private const int NoEntry = -1;
    private const int MinBucketsPerEntry = 2;

    private readonly ConnectionEntry[] _entries;
    private readonly SchedulerDestination?[] _destinations;
    private readonly int[] _inboundBuckets;
    private readonly int[] _outboundBuckets;
    private readonly int _bucketMask;
    private readonly ulong _inboundSeed;
    private readonly ulong _outboundSeed;
    private readonly long[] _tcpTimeoutMs = new long[11];
    private long _udpTimeoutMs;
    private int _freeHead;
    private int _expireCursor;

    public ConnectionTable(int capacity, ConnectionTimeouts timeouts, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        ArgumentNullException.ThrowIfNull(timeouts);

        _entries = new ConnectionEntry[capacity];
        _destinations = new SchedulerDestination?[capacity];
        int bucketCount = (int)BitOperations.RoundUpToPowerOf2((uint)capacity * MinBucketsPerEntry);
        _bucketMask = bucketCount - 1;
        _inboundBuckets = new int[bucketCount];
        _outboundBuckets = new int[bucketCount];
        Array.Fill(_inboundBuckets, NoEntry);
        Array.Fill(_outboundBuckets, NoEntry);

        ulong seedState = (uint)seed;
        _inboundSeed = ConnectionHash.Expand(ref seedState);
        _outboundSeed = ConnectionHash.Expand(ref seedState);

        for (int i = 0; i < capacity; i++)
        {
            _entries[i].NextInbound = i + 1 < capacity ? i + 1 : NoEntry;
        }

        _freeHead = 0;
        Timeouts = timeouts;
        SetTimeouts(timeouts);
    }

    /// <summary>
    /// Bytes one connection costs at the minimum bucket ratio: the entry, its destination reference and two
    /// buckets in each index (40 + 8 + 16 = 64 on 64-bit). Rounding buckets up to a power of two adds at most
    /// another 16; see <see cref="AllocatedBytes"/> for a given table.
    /// </summary>
    public static int BytesPerEntry =>
        Unsafe.SizeOf<ConnectionEntry>() + IntPtr.Size + (2 * MinBucketsPerEntry * sizeof(int));

    /// <summary>Bytes held by this table's arrays (array headers aside).</summary>
    public long AllocatedBytes =>
        ((long)_entries.Length * Unsafe.SizeOf<ConnectionEntry>()) + ((long)_destinations.Length * IntPtr.Size)
        + (2L * _inboundBuckets.Length * sizeof(int));

    public int Capacity => _entries.Length;

    public int Count { get; private set; }

    public ConnectionTimeouts Timeouts { get; private set; }

    /// <summary>Reads an entry in place. The reference is valid until the entry is removed.</summary>
    public ref readonly ConnectionEntry this[int index] => ref _entries[index];

    /// <summary>
    /// Replaces the timeouts. Like IPVS, an entry keeps its current expiry and takes the new value with its next
    /// packet.
    /// </summary>
    public void SetTimeouts(ConnectionTimeouts timeouts)
    {
        ArgumentNullException.ThrowIfNull(timeouts);
        var tcp = new long[_tcpTimeoutMs.Length];
        for (int state = 0; state < tcp.Length; state++)
        {
            tcp[state] = ToMilliseconds(timeouts.ForTcpState((TcpConnectionState)state));
        }

        long udp = ToMilliseconds(timeouts.Udp);
        tcp.CopyTo(_tcpTimeoutMs, 0);
        _udpTimeoutMs = udp;
        Timeouts = timeouts;
    }

    public SchedulerDestination? GetDestination(int index) => _destinations[index];

    public int FindInbound(byte protocol, uint clientAddress, ushort clientPort, uint virtualAddress, ushort virtualPort)
    {
        var entries = _entries;
        int index = _inboundBuckets[InboundBucket(protocol, clientAddress, clientPort, virtualAddress, virtualPort)];
        while ((uint)index < (uint)entries.Length)
        {
            ref readonly var entry = ref entries[index];
            if (entry.ClientAddress == clientAddress && entry.VirtualAddress == virtualAddress
                && entry.ClientPort == clientPort && entry.VirtualPort == virtualPort && entry.Protocol == protocol)
            {
                return index;
            }

            index = entry.NextInbound;
        }

        return NoEntry;
    }

    /// <summary>
    /// Finds the connection a reply belongs to. Two connections from one client port to two virtual services on
    /// the same real server would share this tuple; the newer one wins, as the reply cannot tell them apart.
    /// </summary>
    public int FindOutbound(byte protocol, uint realAddress, ushort realPort, uint clientAddress, ushort clientPort)
    {
        var entries = _entries;
        int index = _outboundBuckets[OutboundBucket(protocol, realAddress, realPort, clientAddress, clientPort)];
        while ((uint)index < (uint)entries.Length)
        {
            ref readonly var entry = ref entries[index];
            if (entry.RealAddress == realAddress && entry.ClientAddress == clientAddress
                && entry.RealPort == realPort && entry.ClientPort == clientPort && entry.Protocol == protocol)
            {
                return index;
            }

            index = entry.NextOutbound;
        }

        return NoEntry;
    }

    /// <summary>
    /// Adds a connection bound to <paramref name="destination"/>, counted as inactive (IP_VS_CONN_F_INACTIVE) in
    /// state NONE. Feed its first packet to <see cref="OnInbound"/> next. The caller has checked with
    /// <see cref="FindInbound"/> that the tuple is not present.
    /// </summary>
    /// <param name="inputOnly">Replies bypass the director (DR, TUN): TCP uses the INPUT_ONLY table until a reply shows up.</param>
    /// <returns>The entry index, or -1 when the table is full (the caller counts the drop).</returns>
    public int Add(
        byte protocol,
        uint clientAddress,
        ushort clientPort,
        uint virtualAddress,
        ushort virtualPort,
        uint realAddress,
        ushort realPort,
        SchedulerDestination destination,
        bool inputOnly,
        long nowMs)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int index = _freeHead;
        if (index < 0)
        {
            return NoEntry;
        }

        ref var entry = ref _entries[index];
        _freeHead = entry.NextInbound;

        entry.Protocol = protocol;
        entry.ClientAddress = clientAddress;
        entry.ClientPort = clientPort;
        entry.VirtualAddress = virtualAddress;
        entry.VirtualPort = virtualPort;
        entry.RealAddress = realAddress;
        entry.RealPort = realPort;
        entry.State = TcpConnectionState.None;
        entry.Flags = ConnectionStatus.InUse | ConnectionStatus.Inactive | (inputOnly ? ConnectionStatus.NoOutput : ConnectionStatus.None);
        entry.ExpiresAtMs = nowMs + (protocol == ProtocolTcp ? _tcpTimeoutMs[(int)TcpConnectionState.None] : _udpTimeoutMs);

        int inbound = InboundBucket(protocol, clientAddress, clientPort, virtualAddress, virtualPort);
        entry.NextInbound = _inboundBuckets[inbound];
        _inboundBuckets[inbound] = index;
        int outbound = OutboundBucket(protocol, realAddress, realPort, clientAddress, clientPort);
        entry.NextOutbound = _outboundBuckets[outbound];
        _outboundBuckets[outbound] = index;

        _destinations[index] = destination;
        destination.AddInactive(1);
        Count++;
        return index;
    }

    /// <summary>A client-to-server packet: advances TCP state (INPUT or INPUT_ONLY table) and refreshes the expiry.</summary>
    public void OnInbound(int index, byte tcpFlags, long nowMs)
    {
        ref var entry = ref GetLive(index);
        if (entry.Protocol != ProtocolTcp)
        {
            entry.ExpiresAtMs = nowMs + _udpTimeoutMs;
            return;
        }

        var direction = (entry.Flags & ConnectionStatus.NoOutput) != 0 ? TcpDirection.InputOnly : TcpDirection.Input;
        Advance(index, ref entry, direction, tcpFlags, nowMs);
    }

    /// <summary>A server-to-client packet (NAT reply): advances TCP state (OUTPUT table) and refreshes the expiry.</summary>
    public void OnOutbound(int index, byte tcpFlags, long nowMs)
    {
        ref var entry = ref GetLive(index);
        entry.Flags &= ~ConnectionStatus.NoOutput;
        if (entry.Protocol != ProtocolTcp)
        {
            entry.ExpiresAtMs = nowMs + _udpTimeoutMs;
            return;
        }

        Advance(index, ref entry, TcpDirection.Output, tcpFlags, nowMs);
    }

    /// <summary>
    /// True for a TCP entry in TIME_WAIT or CLOSE (IPVS's is_new_conn_expected with conn_reuse_mode 1): a new SYN
    /// on its tuple starts a new connection, so the data path removes this entry and schedules afresh.
    /// </summary>
    /// <param name="index">Entry index.</param>
    /// <param name="finWaitWithoutOutput">conn_reuse_mode bit 2: also reuse a FIN_WAIT entry that never saw a reply (DR/TUN).</param>
    public bool IsClosedForReuse(int index, bool finWaitWithoutOutput = false)
    {
        ref readonly var entry = ref _entries[index];
        if (!entry.IsInUse || entry.Protocol != ProtocolTcp)
        {
            return false;
        }

        return entry.State is TcpConnectionState.TimeWait or TcpConnectionState.Close
            || (finWaitWithoutOutput && entry.State == TcpConnectionState.FinWait && (entry.Flags & ConnectionStatus.NoOutput) != 0);
    }

    /// <summary>Removes a connection and takes it off its destination's active or inactive count.</summary>
    public void Remove(int index)
    {
        ref var entry = ref GetLive(index);
        UnlinkInbound(index, in entry);
        UnlinkOutbound(index, in entry);

        var destination = _destinations[index];
        if (destination is not null)
        {
            if ((entry.Flags & ConnectionStatus.Inactive) != 0)
            {
                destination.AddInactive(-1);
            }
            else
            {
                destination.AddActive(-1);
            }

            _destinations[index] = null;
        }

        entry = default;
        entry.NextInbound = _freeHead;
        _freeHead = index;
        Count--;
    }

    /// <summary>
    /// The worker's heartbeat: looks at up to <paramref name="maxScan"/> slots after where the previous call
    /// stopped (wrapping around) and removes entries whose expiry is at or before <paramref name="nowMs"/>.
    /// A full sweep takes Capacity / maxScan calls, which bounds how late an idle entry goes.
    /// </summary>
    /// <returns>How many entries were removed.</returns>
    public int ExpireDue(long nowMs, int maxScan)
    {
        if (Count == 0 || maxScan <= 0)
        {
            return 0;
        }

        var entries = _entries;
        int scan = Math.Min(maxScan, entries.Length);
        int cursor = _expireCursor;
        int removed = 0;
        for (int i = 0; i < scan; i++)
        {
            ref readonly var entry = ref entries[cursor];
            if (entry.IsInUse && entry.ExpiresAtMs <= nowMs)
            {
                Remove(cursor);
                removed++;
            }

            if (++cursor == entries.Length)
            {
                cursor = 0;
            }
        }

        _expireCursor = cursor;
        return removed;
    }

    /// <summary>Copies live entries from the start; see <see cref="CopyTo(Span{ConnectionEntry}, ref int)"/>.</summary>
    public int CopyTo(Span<ConnectionEntry> destination)
    {
        int position = 0;
        return CopyTo(destination, ref position);
    }

    /// <summary>
    /// Copies live entries, starting at slot <paramref name="position"/>, until <paramref name="destination"/> is
    /// full; <paramref name="position"/> is left where the next page starts (Capacity when done). Owner thread only:
    /// a listing requested by the control plane runs on the worker that owns the table.
    /// </summary>
    /// <returns>How many entries were written.</returns>
    public int CopyTo(Span<ConnectionEntry> destination, ref int position)
    {
        var entries = _entries;
        int index = Math.Max(0, position);
        int written = 0;
        while (index < entries.Length && written < destination.Length)
        {
            if (entries[index].IsInUse)
            {
                destination[written++] = entries[index];
            }

            index++;
        }

        position = index;
        return written;
    }

    private static long ToMilliseconds(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        return (long)timeout.TotalMilliseconds;
    }

    private static void ThrowNotInUse(int index) =>
        throw new ArgumentException($"Connection entry {index} is not in use.", nameof(index));

    private ref ConnectionEntry GetLive(int index)
    {
        ref var entry = ref _entries[index];
        if (!entry.IsInUse)
        {
            ThrowNotInUse(index);
        }

        return ref entry;
    }

    private void Advance(int index, ref ConnectionEntry entry, TcpDirection direction, byte tcpFlags, long nowMs)
    {
        var current = entry.State;
        var next = TcpStateMachine.Next(direction, tcpFlags, current);
        if (next != current)
        {
            var destination = _destinations[index];
            if (destination is not null)
            {
                bool counted = (entry.Flags & ConnectionStatus.Inactive) == 0;
                bool active = TcpStateMachine.IsActive(next);
                if (counted && !active)
                {
                    destination.AddActive(-1);
                    destination.AddInactive(1);
                    entry.Flags |= ConnectionStatus.Inactive;
                }
                else if (!counted && active)
                {
                    destination.AddInactive(-1);
                    destination.AddActive(1);
                    entry.Flags &= ~ConnectionStatus.Inactive;
                }
            }

            entry.State = next;
        }

        entry.ExpiresAtMs = nowMs + _tcpTimeoutMs[(int)next];
    }

    private void UnlinkInbound(int index, in ConnectionEntry entry)
    {
        int bucket = InboundBucket(entry.Protocol, entry.ClientAddress, entry.ClientPort, entry.VirtualAddress, entry.VirtualPort);
        int previous = NoEntry;
        int current = _inboundBuckets[bucket];
        while (current != index)
        {
            if (current < 0)
            {
                throw new InvalidOperationException("Inbound index is inconsistent.");
            }

            previous = current;
            current = _entries[current].NextInbound;
        }

        if (previous < 0)
        {
            _inboundBuckets[bucket] = entry.NextInbound;
        }
        else
        {
            _entries[previous].NextInbound = entry.NextInbound;
        }
    }

    private void UnlinkOutbound(int index, in ConnectionEntry entry)
    {
        int bucket = OutboundBucket(entry.Protocol, entry.RealAddress, entry.RealPort, entry.ClientAddress, entry.ClientPort);
        int previous = NoEntry;
        int current = _outboundBuckets[bucket];
        while (current != index)
        {
            if (current < 0)
            {
                throw new InvalidOperationException("Outbound index is inconsistent.");
            }

            previous = current;
            current = _entries[current].NextOutbound;
        }

        if (previous < 0)
        {
            _outboundBuckets[bucket] = entry.NextOutbound;
        }
        else
        {
            _entries[previous].NextOutbound = entry.NextOutbound;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int InboundBucket(byte protocol, uint clientAddress, ushort clientPort, uint virtualAddress, ushort virtualPort) =>
        (int)ConnectionHash.Mix(
            ((ulong)clientAddress << 32) | virtualAddress,
            ((ulong)protocol << 32) | ((ulong)clientPort << 16) | virtualPort,
            _inboundSeed) & _bucketMask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int OutboundBucket(byte protocol, uint realAddress, ushort realPort, uint clientAddress, ushort clientPort) =>
        (int)ConnectionHash.Mix(
            ((ulong)realAddress << 32) | clientAddress,
            ((ulong)protocol << 32) | ((ulong)realPort << 16) | clientPort,
            _outboundSeed) & _bucketMask;
}
