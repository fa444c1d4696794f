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
/// else (the control plane listing connections) must ask the owning worker to run <see cref="CopyTo(Span{ConnectionEntry{TAddress}}, ref int)"/>
/// between packet batches. Only the destinations' counters are shared, and they are updated with Interlocked.</para>
/// <para>Everything is allocated by the constructor: a struct array of entries, a parallel array of destination
/// references, and two power-of-two bucket arrays (at least twice the capacity each) heading chains threaded
/// through the entries. Lookups, adds, removals and state changes never allocate. Nothing is written at
/// construction (an empty bucket or link is 0, slots are handed out in order before the free list is used), so a
/// 10-million-entry table costs address space, not resident memory, until it fills.</para>
/// <para>Persistence templates (IPVS IP_VS_CONN_F_TEMPLATE) live in the same table, indexed inbound only; one-packet
/// entries (IP_VS_CONN_F_ONE_PACKET) are indexed outbound only.</para>
/// <para>One implementation for both address families: <typeparamref name="TAddress"/> is <see cref="uint"/> for
/// IPv4 (<see cref="ConnectionTable"/>) and <see cref="UInt128"/> for IPv6 (<see cref="Ipv6ConnectionTable"/>), host
/// order, first wire byte most significant. Generic code over a value type is compiled once per address type, so the
/// IPv4 table's hashing and comparisons are the same machine code as a table written for uint alone.</para>
/// <para>Time is whatever millisecond clock the caller passes as nowMs (monotonic in production, virtual in tests).
/// Expiry is one incremental sweep, <see cref="ExpireDue"/>, called from the worker's heartbeat; there is no
/// timer per connection.</para>
/// </remarks>
public abstract class ConnectionTable<TAddress>
    where TAddress : unmanaged, IEquatable<TAddress>
{
    /// <summary>Largest capacity accepted (bucket arrays must stay within an int index).</summary>
    public const int MaxCapacity = 1 << 28;

    private const byte ProtocolTcp = 6;
    private const int NoEntry = -1;
    private const int MinBucketsPerEntry = 2;

    private readonly ConnectionEntry<TAddress>[] _entries;
    private readonly SchedulerDestination?[] _destinations;

    // Bucket heads and chain links hold index + 1 so that zeroed memory means "empty".
    private readonly int[] _inboundBuckets;
    private readonly int[] _outboundBuckets;
    private readonly int _bucketMask;
    private readonly ulong _inboundSeed;
    private readonly ulong _outboundSeed;
    private readonly long[] _tcpTimeoutMs = new long[11];
    private long _udpTimeoutMs;
    private int _freeHead;
    private int _unused;
    private int _expireCursor;

    protected ConnectionTable(int capacity, ConnectionTimeouts timeouts, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        ArgumentNullException.ThrowIfNull(timeouts);

        _entries = new ConnectionEntry<TAddress>[capacity];
        _destinations = new SchedulerDestination?[capacity];
        int bucketCount = (int)BitOperations.RoundUpToPowerOf2((uint)capacity * MinBucketsPerEntry);
        _bucketMask = bucketCount - 1;
        _inboundBuckets = new int[bucketCount];
        _outboundBuckets = new int[bucketCount];

        ulong seedState = (uint)seed;
        _inboundSeed = ConnectionHash.Expand(ref seedState);
        _outboundSeed = ConnectionHash.Expand(ref seedState);

        Timeouts = timeouts;
        SetTimeouts(timeouts);
    }

    /// <summary>
    /// Bytes one connection costs besides its entry at the minimum bucket ratio: its destination reference and two
    /// buckets in each index (8 + 16 on 64-bit). Rounding buckets up to a power of two adds at most another 16; see
    /// <see cref="AllocatedBytes"/> for a given table.
    /// </summary>
    protected static int OverheadBytesPerEntry => IntPtr.Size + (2 * MinBucketsPerEntry * sizeof(int));

    /// <summary>Bytes held by this table's arrays (array headers aside).</summary>
    public long AllocatedBytes =>
        ((long)_entries.Length * Unsafe.SizeOf<ConnectionEntry<TAddress>>()) + ((long)_destinations.Length * IntPtr.Size)
        + (2L * _inboundBuckets.Length * sizeof(int));

    public int Capacity => _entries.Length;

    /// <summary>Live entries, templates and one-packet entries included (as IPVS counts them).</summary>
    public int Count { get; private set; }

    /// <summary>Live persistence templates.</summary>
    public int TemplateCount { get; private set; }

    public ConnectionTimeouts Timeouts { get; private set; }

    /// <summary>Reads an entry in place. The reference is valid until the entry is removed.</summary>
    public ref readonly ConnectionEntry<TAddress> this[int index] => ref _entries[index];

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

    /// <summary>Finds a connection by the tuple the client sends (templates and one-packet entries are never found).</summary>
    public int FindInbound(byte protocol, TAddress clientAddress, ushort clientPort, TAddress virtualAddress, ushort virtualPort)
    {
        var entries = _entries;
        int index = _inboundBuckets[InboundBucket(protocol, clientAddress, clientPort, virtualAddress, virtualPort)] - 1;
        while ((uint)index < (uint)entries.Length)
        {
            ref readonly var entry = ref entries[index];
            if (entry.ClientAddress.Equals(clientAddress) && entry.VirtualAddress.Equals(virtualAddress)
                && entry.ClientPort == clientPort && entry.VirtualPort == virtualPort && entry.Protocol == protocol
                && (entry.Flags & ConnectionStatus.Template) == 0)
            {
                return index;
            }

            index = entry.NextInbound - 1;
        }

        return NoEntry;
    }

    /// <summary>
    /// Finds a usable persistence template (IPVS ip_vs_ct_in_get): protocol (0 for firewall-mark templates), client
    /// network, virtual address (or mark) and virtual port (0 for port-zero and firewall-mark services).
    /// </summary>
    public int FindTemplate(byte protocol, TAddress clientNetwork, TAddress virtualAddress, ushort virtualPort)
    {
        var entries = _entries;
        int index = _inboundBuckets[InboundBucket(protocol, clientNetwork, 0, virtualAddress, virtualPort)] - 1;
        while ((uint)index < (uint)entries.Length)
        {
            ref readonly var entry = ref entries[index];
            if (entry.ClientAddress.Equals(clientNetwork) && entry.VirtualAddress.Equals(virtualAddress)
                && entry.ClientPort == 0 && entry.VirtualPort == virtualPort && entry.Protocol == protocol
                && (entry.Flags & (ConnectionStatus.Template | ConnectionStatus.Invalidated)) == ConnectionStatus.Template)
            {
                return index;
            }

            index = entry.NextInbound - 1;
        }

        return NoEntry;
    }

    /// <summary>
    /// Finds the connection a reply belongs to. Two connections from one client port to two virtual services on
    /// the same real server would share this tuple; the newer one wins, as the reply cannot tell them apart.
    /// </summary>
    public int FindOutbound(byte protocol, TAddress realAddress, ushort realPort, TAddress clientAddress, ushort clientPort)
    {
        var entries = _entries;
        int index = _outboundBuckets[OutboundBucket(protocol, realAddress, realPort, clientAddress, clientPort)] - 1;
        while ((uint)index < (uint)entries.Length)
        {
            ref readonly var entry = ref entries[index];
            if (entry.RealAddress.Equals(realAddress) && entry.ClientAddress.Equals(clientAddress)
                && entry.RealPort == realPort && entry.ClientPort == clientPort && entry.Protocol == protocol)
            {
                return index;
            }

            index = entry.NextOutbound - 1;
        }

        return NoEntry;
    }

    /// <summary>
    /// Adds a connection bound to <paramref name="destination"/>, counted as inactive (IP_VS_CONN_F_INACTIVE) in
    /// state NONE. Feed its first packet to <see cref="OnInbound"/> next. The caller has checked with
    /// <see cref="FindInbound"/> that the tuple is not present.
    /// </summary>
    /// <param name="inputOnly">Replies bypass the director (DR, TUN): TCP uses the INPUT_ONLY table until a reply shows up.</param>
    /// <param name="template">The persistence template that controls it (IPVS ip_vs_control_add), or -1.</param>
    /// <returns>The entry index, or -1 when the table is full (the caller counts the drop).</returns>
    public int Add(
        byte protocol,
        TAddress clientAddress,
        ushort clientPort,
        TAddress virtualAddress,
        ushort virtualPort,
        TAddress realAddress,
        ushort realPort,
        SchedulerDestination destination,
        bool inputOnly,
        long nowMs,
        int template = NoEntry)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int index = Allocate();
        if (index < 0)
        {
            return NoEntry;
        }

        ref var entry = ref Fill(index, protocol, clientAddress, clientPort, virtualAddress, virtualPort, realAddress, realPort);
        entry.Flags = ConnectionStatus.InUse | ConnectionStatus.Inactive | (inputOnly ? ConnectionStatus.NoOutput : ConnectionStatus.None);
        entry.ExpiresAtMs = nowMs + (protocol == ProtocolTcp ? _tcpTimeoutMs[(int)TcpConnectionState.None] : _udpTimeoutMs);
        if ((uint)template < (uint)_entries.Length && _entries[template].IsTemplate)
        {
            entry.Control = template + 1;
            _entries[template].Control++;
        }

        LinkInbound(index, ref entry);
        LinkOutbound(index, ref entry);
        Bind(index, destination, template: false);
        return index;
    }

    /// <summary>
    /// Adds a persistence template (IPVS: an entry with IP_VS_CONN_F_TEMPLATE and cp->timeout = the service's
    /// persistence timeout) bound to <paramref name="destination"/> and counted in its persistent connections.
    /// </summary>
    /// <param name="protocol">The packet's protocol, or 0 (IPPROTO_IP) for a firewall-mark service.</param>
    /// <param name="clientNetwork">Client address AND the persistence netmask.</param>
    /// <param name="virtualAddress">The VIP, or the firewall mark.</param>
    /// <param name="virtualPort">The service port, or 0 for port-zero and firewall-mark services.</param>
    /// <param name="realAddress">Real server address.</param>
    /// <param name="realPort">Real server port, or 0 when connections take the packet's port.</param>
    /// <param name="destination">The destination the client network sticks to.</param>
    /// <param name="timeoutSeconds">The persistence timeout.</param>
    /// <param name="nowMs">Current time.</param>
    /// <returns>The template index, or -1 when the table is full.</returns>
    public int AddTemplate(
        byte protocol,
        TAddress clientNetwork,
        TAddress virtualAddress,
        ushort virtualPort,
        TAddress realAddress,
        ushort realPort,
        SchedulerDestination destination,
        uint timeoutSeconds,
        long nowMs)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfZero(timeoutSeconds);
        int index = Allocate();
        if (index < 0)
        {
            return NoEntry;
        }

        ref var entry = ref Fill(index, protocol, clientNetwork, 0, virtualAddress, virtualPort, realAddress, realPort);
        entry.Flags = ConnectionStatus.InUse | ConnectionStatus.Template;
        entry.FixedTimeoutSeconds = timeoutSeconds;
        entry.ExpiresAtMs = nowMs + (timeoutSeconds * 1000L);
        LinkInbound(index, ref entry);
        TemplateCount++;
        Bind(index, destination, template: true);
        return index;
    }

    /// <summary>
    /// Adds or refreshes a one-packet entry: found only by the reply tuple, so every datagram is scheduled on its own
    /// while the real server's answers are still reverse-NATed for <paramref name="replyWindowSeconds"/>. One entry per
    /// (client address and port, real server address and port) is kept, refreshed by each datagram. Not counted in the
    /// destination's connections (IPVS binds and frees a one-packet connection at once).
    /// </summary>
    /// <returns>The entry index, or -1 when the table is full.</returns>
    /// <summary>
    /// Binds the forwarding method (<see cref="ConnectionStatus.ForwardingMask"/> bits of <paramref name="forwarding"/>)
    /// to the entry at <paramref name="index"/>, for the rest of its life.
    /// </summary>
    public void BindForwarding(int index, ConnectionStatus forwarding)
    {
        ref var entry = ref _entries[index];
        entry.Flags = (entry.Flags & ~ConnectionStatus.ForwardingMask) | (forwarding & ConnectionStatus.ForwardingMask);
    }

    /// <summary>The forwarding bits bound to the entry at <paramref name="index"/>.</summary>
    public ConnectionStatus ForwardingOf(int index) => _entries[index].Flags & ConnectionStatus.ForwardingMask;

    public int AddOnePacket(
        byte protocol,
        TAddress clientAddress,
        ushort clientPort,
        TAddress virtualAddress,
        ushort virtualPort,
        TAddress realAddress,
        ushort realPort,
        SchedulerDestination destination,
        uint replyWindowSeconds,
        long nowMs)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int index = FindOutbound(protocol, realAddress, realPort, clientAddress, clientPort);
        if (index >= 0)
        {
            ref var existing = ref _entries[index];
            if (existing.IsOnePacket && existing.VirtualAddress.Equals(virtualAddress) && existing.VirtualPort == virtualPort
                && ReferenceEquals(_destinations[index], destination))
            {
                existing.FixedTimeoutSeconds = Math.Max(1, replyWindowSeconds);
                existing.ExpiresAtMs = nowMs + (existing.FixedTimeoutSeconds * 1000L);
                return index;
            }
        }

        index = Allocate();
        if (index < 0)
        {
            return NoEntry;
        }

        ref var entry = ref Fill(index, protocol, clientAddress, clientPort, virtualAddress, virtualPort, realAddress, realPort);
        entry.Flags = ConnectionStatus.InUse | ConnectionStatus.OnePacket;
        entry.FixedTimeoutSeconds = Math.Max(1, replyWindowSeconds);
        entry.ExpiresAtMs = nowMs + (entry.FixedTimeoutSeconds * 1000L);
        LinkOutbound(index, ref entry);
        _destinations[index] = destination;
        return index;
    }

    /// <summary>A new connection used this template: restart its timer (IPVS ip_vs_conn_put on the template).</summary>
    public void TouchTemplate(int index, long nowMs)
    {
        ref var entry = ref GetLive(index);
        entry.ExpiresAtMs = nowMs + (entry.FixedTimeoutSeconds * 1000L);
    }

    /// <summary>
    /// Makes a template unusable (IPVS ip_vs_check_template failing): removed at once when it controls no connection,
    /// otherwise hidden from <see cref="FindTemplate"/> and freed when its last connection is gone and its timer runs out.
    /// </summary>
    public void InvalidateTemplate(int index)
    {
        ref var entry = ref GetLive(index);
        if (!entry.IsTemplate)
        {
            throw new ArgumentException($"Connection entry {index} is not a template.", nameof(index));
        }

        if (entry.Control == 0)
        {
            Remove(index);
        }
        else
        {
            entry.Flags |= ConnectionStatus.Invalidated;
        }
    }

    /// <summary>A client-to-server packet: advances TCP state (INPUT or INPUT_ONLY table) and refreshes the expiry.</summary>
    public void OnInbound(int index, byte tcpFlags, long nowMs)
    {
        ref var entry = ref GetLive(index);
        if (entry.FixedTimeoutSeconds != 0)
        {
            entry.ExpiresAtMs = nowMs + (entry.FixedTimeoutSeconds * 1000L);
            return;
        }

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
        if (entry.FixedTimeoutSeconds != 0)
        {
            entry.ExpiresAtMs = nowMs + (entry.FixedTimeoutSeconds * 1000L);
            return;
        }

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
        if (!entry.IsInUse || entry.Protocol != ProtocolTcp || entry.IsTemplate)
        {
            return false;
        }

        return entry.State is TcpConnectionState.TimeWait or TcpConnectionState.Close
            || (finWaitWithoutOutput && entry.State == TcpConnectionState.FinWait && (entry.Flags & ConnectionStatus.NoOutput) != 0);
    }

    /// <summary>
    /// Removes an entry, takes it off its destination's counts and releases its template's control. A template that
    /// still controls connections cannot be removed (they point at it); it goes when they are gone.
    /// </summary>
    public void Remove(int index)
    {
        ref var entry = ref GetLive(index);
        bool template = entry.IsTemplate;
        if (template && entry.Control > 0)
        {
            throw new InvalidOperationException($"Template {index} still controls {entry.Control} connection(s).");
        }

        if ((entry.Flags & ConnectionStatus.OnePacket) == 0)
        {
            UnlinkInbound(index, in entry);
        }

        if (!template)
        {
            UnlinkOutbound(index, in entry);
            if (entry.Control > 0)
            {
                _entries[entry.Control - 1].Control--;
            }
        }
        else
        {
            TemplateCount--;
        }

        var destination = _destinations[index];
        _destinations[index] = null;
        if (destination is not null && (entry.Flags & ConnectionStatus.OnePacket) == 0)
        {
            if (!template)
            {
                if ((entry.Flags & ConnectionStatus.Inactive) != 0)
                {
                    destination.AddInactive(-1);
                }
                else
                {
                    destination.AddActive(-1);
                }
            }

            if (destination is IConnectionBindingObserver observer)
            {
                observer.OnUnbound(template);
            }
        }

        entry = default;
        entry.NextInbound = _freeHead;
        _freeHead = index + 1;
        Count--;
    }

    /// <summary>
    /// The worker's heartbeat: looks at up to <paramref name="maxScan"/> slots after where the previous call
    /// stopped (wrapping around) and removes entries whose expiry is at or before <paramref name="nowMs"/>.
    /// A template that still controls connections gets another full timeout instead (IPVS "expire later").
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
        int limit = _unused;
        int scan = Math.Min(maxScan, limit);
        int cursor = _expireCursor < limit ? _expireCursor : 0;
        int removed = 0;
        for (int i = 0; i < scan; i++)
        {
            ref var entry = ref entries[cursor];
            if (entry.IsInUse && entry.ExpiresAtMs <= nowMs)
            {
                if (entry.IsTemplate && entry.Control > 0)
                {
                    entry.ExpiresAtMs = nowMs + (entry.FixedTimeoutSeconds * 1000L);
                }
                else
                {
                    Remove(cursor);
                    removed++;
                }
            }

            if (++cursor == limit)
            {
                cursor = 0;
            }
        }

        _expireCursor = cursor;
        return removed;
    }

    /// <summary>Copies live entries from the start; see <see cref="CopyTo(Span{ConnectionEntry{TAddress}}, ref int)"/>.</summary>
    public int CopyTo(Span<ConnectionEntry<TAddress>> destination)
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
    public int CopyTo(Span<ConnectionEntry<TAddress>> destination, ref int position)
    {
        var entries = _entries;
        int index = Math.Max(0, position);
        int written = 0;
        while (index < _unused && written < destination.Length)
        {
            if (entries[index].IsInUse)
            {
                destination[written++] = entries[index];
            }

            index++;
        }

        position = index < _unused ? index : entries.Length;
        return written;
    }

    private static long ToMilliseconds(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        return (long)timeout.TotalMilliseconds;
    }

    private static void ThrowNotInUse(int index) =>
        throw new ArgumentException($"Connection entry {index} is not in use.", nameof(index));

    private ref ConnectionEntry<TAddress> GetLive(int index)
    {
        ref var entry = ref _entries[index];
        if (!entry.IsInUse)
        {
            ThrowNotInUse(index);
        }

        return ref entry;
    }

    // Freed slots first, then never-used ones in order, so an idle part of a huge table is never touched.
    private int Allocate()
    {
        int index = _freeHead - 1;
        if (index >= 0)
        {
            _freeHead = _entries[index].NextInbound;
            return index;
        }

        if (_unused < _entries.Length)
        {
            return _unused++;
        }

        return NoEntry;
    }

    private ref ConnectionEntry<TAddress> Fill(int index, byte protocol, TAddress clientAddress, ushort clientPort, TAddress virtualAddress, ushort virtualPort, TAddress realAddress, ushort realPort)
    {
        ref var entry = ref _entries[index];
        entry = default;
        entry.Protocol = protocol;
        entry.ClientAddress = clientAddress;
        entry.ClientPort = clientPort;
        entry.VirtualAddress = virtualAddress;
        entry.VirtualPort = virtualPort;
        entry.RealAddress = realAddress;
        entry.RealPort = realPort;
        entry.State = TcpConnectionState.None;
        Count++;
        return ref entry;
    }

    private void Bind(int index, SchedulerDestination destination, bool template)
    {
        _destinations[index] = destination;
        if (!template)
        {
            destination.AddInactive(1);
        }

        if (destination is IConnectionBindingObserver observer)
        {
            observer.OnBound(template);
        }
    }

    private void LinkInbound(int index, ref ConnectionEntry<TAddress> entry)
    {
        int inbound = InboundBucket(entry.Protocol, entry.ClientAddress, entry.ClientPort, entry.VirtualAddress, entry.VirtualPort);
        entry.NextInbound = _inboundBuckets[inbound];
        _inboundBuckets[inbound] = index + 1;
    }

    private void LinkOutbound(int index, ref ConnectionEntry<TAddress> entry)
    {
        int outbound = OutboundBucket(entry.Protocol, entry.RealAddress, entry.RealPort, entry.ClientAddress, entry.ClientPort);
        entry.NextOutbound = _outboundBuckets[outbound];
        _outboundBuckets[outbound] = index + 1;
    }

    private void Advance(int index, ref ConnectionEntry<TAddress> entry, TcpDirection direction, byte tcpFlags, long nowMs)
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

    private void UnlinkInbound(int index, in ConnectionEntry<TAddress> entry) =>
        Unlink(_inboundBuckets, InboundBucket(entry.Protocol, entry.ClientAddress, entry.ClientPort, entry.VirtualAddress, entry.VirtualPort), index, outbound: false);

    private void UnlinkOutbound(int index, in ConnectionEntry<TAddress> entry) =>
        Unlink(_outboundBuckets, OutboundBucket(entry.Protocol, entry.RealAddress, entry.RealPort, entry.ClientAddress, entry.ClientPort), index, outbound: true);

    // Takes index off the chain headed at buckets[bucket]; outbound says which of the entries' two links the chain
    // runs through. Inlined into both callers, where outbound is a constant, so each gets a walk of its own link only.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Unlink(int[] buckets, int bucket, int index, bool outbound)
    {
        int previous = NoEntry;
        int current = buckets[bucket] - 1;
        while (current != index)
        {
            if (current < 0)
            {
                throw new InvalidOperationException(outbound ? "Outbound index is inconsistent." : "Inbound index is inconsistent.");
            }

            previous = current;
            current = NextOf(in _entries[current], outbound) - 1;
        }

        int next = NextOf(in _entries[index], outbound);
        if (previous < 0)
        {
            buckets[bucket] = next;
        }
        else if (outbound)
        {
            _entries[previous].NextOutbound = next;
        }
        else
        {
            _entries[previous].NextInbound = next;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NextOf(in ConnectionEntry<TAddress> entry, bool outbound) => outbound ? entry.NextOutbound : entry.NextInbound;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int InboundBucket(byte protocol, TAddress clientAddress, ushort clientPort, TAddress virtualAddress, ushort virtualPort) =>
        (int)ConnectionHash.Mix(
            ConnectionHash.Pair(clientAddress, virtualAddress, _inboundSeed),
            ((ulong)protocol << 32) | ((ulong)clientPort << 16) | virtualPort,
            _inboundSeed) & _bucketMask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int OutboundBucket(byte protocol, TAddress realAddress, ushort realPort, TAddress clientAddress, ushort clientPort) =>
        (int)ConnectionHash.Mix(
            ConnectionHash.Pair(realAddress, clientAddress, _outboundSeed),
            ((ulong)protocol << 32) | ((ulong)realPort << 16) | clientPort,
            _outboundSeed) & _bucketMask;
}
