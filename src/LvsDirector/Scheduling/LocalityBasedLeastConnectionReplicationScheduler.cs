using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LvsDirector.Scheduling;

/// <summary>
/// IPVS "lblcr": each virtual-side destination address maps to a set of servers. A decision takes the set's
/// weighted least-connection member; if there is none, or it is overloaded by the lblc rule, the service-wide wlc
/// choice is used and added to the set. A set with more than one member that has not changed for
/// <see cref="Expiration"/> (lblcr_expiration, 24 h by default) loses its most loaded member (ip_vs_lblcr.c).
/// </summary>
/// <remarks>
/// <para>
/// Sets keep the kernel's order (newest first), which decides ties. They hold at most <see cref="SetCapacity"/>
/// servers here (the kernel's grow without bound): adding to a full set first drops its most loaded member.
/// Removed servers leave the sets at once (the kernel keeps them as unavailable members until they expire).
/// </para>
/// <para>
/// Above 32 servers the wlc step runs on block minimums (<see cref="LoadBlockMinimum{TPolicy}"/>). When the previous
/// decision needed them, a decision replays the counter changes first and reads its set from the members' wlc keys
/// instead of their destination objects; otherwise it reads the members live and replays only if the overload rule
/// or the wlc step needs it. Keys and the wlc step use weights as captured by the last <see cref="Update"/>, which the
/// service table runs after every weight change; the kernel reads them live.
/// </para>
/// <para>
/// Expiry of whole entries, time source, locking and allocation are as for
/// <see cref="LocalityBasedLeastConnectionScheduler"/>.
/// </para>
/// </remarks>
public sealed class LocalityBasedLeastConnectionReplicationScheduler : Scheduler
{
    public const string SchedulerName = "lblcr";

    public const int SetCapacity = 8;

    private readonly LocalityTable _table;
    private SpinGate _gate;
    private LeastLoadIndex _index = LeastLoadIndex.Empty;
    private LoadBlockMinimum<WeightedLeastConnectionPolicy>? _block;
    private bool _lastNeededReplay;

    public LocalityBasedLeastConnectionReplicationScheduler()
        : this(TimeProvider.System)
    {
    }

    public LocalityBasedLeastConnectionReplicationScheduler(TimeProvider time, int capacity = LocalityTable.DefaultCapacity)
    {
        _table = new LocalityTable(capacity, SetCapacity, time, TimeSpan.FromHours(24));
    }

    public override string Name => SchedulerName;

    /// <summary>sysctl lblcr_expiration: set shrink interval and unused-entry lifetime.</summary>
    public TimeSpan Expiration
    {
        get
        {
            _gate.Enter();
            try
            {
                return TimeSpan.FromSeconds((double)_table.Expiration / _table.TimestampFrequency);
            }
            finally
            {
                _gate.Exit();
            }
        }

        set
        {
            _gate.Enter();
            try
            {
                _table.SetExpiration(value);
            }
            finally
            {
                _gate.Exit();
            }
        }
    }

    public int CachedAddresses
    {
        get
        {
            _gate.Enter();
            try
            {
                return _table.Count;
            }
            finally
            {
                _gate.Exit();
            }
        }
    }

    /// <summary>The current server set of a destination address, newest first (for tests and diagnostics).</summary>
    public SchedulerDestination[] ServerSetOf(uint destinationAddress)
    {
        _gate.Enter();
        try
        {
            int slot = _table.Find(destinationAddress);
            if (slot < 0)
            {
                return [];
            }

            var members = _table.Members(slot);
            var result = new SchedulerDestination[members.Length];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = _index.Destinations[members[i]];
            }

            return result;
        }
        finally
        {
            _gate.Exit();
        }
    }

    public override void Update(IReadOnlyList<SchedulerDestination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        _gate.Enter();
        try
        {
            var index = LeastLoadIndex.Create<WeightedLeastConnectionPolicy>(destinations, _index, callerLocks: true);
            _table.Remap(_index.Destinations, index.Destinations);
            _index = index;
            _block = index.Tracker as LoadBlockMinimum<WeightedLeastConnectionPolicy>;
        }
        finally
        {
            _gate.Exit();
        }
    }

    public override SchedulerDestination? Schedule(in ScheduleInput input)
    {
        uint key = input.DestinationAddress;
        long now = _table.Now();
        _gate.Enter();
        try
        {
            _table.Maintain(now);
            var index = _index;
            var block = _block;
            if (block is not null && block.IsCompromised)
            {
                block = null;
            }

            // With block minimums, a decision that replays the counter changes first can read the set from the
            // members' keys (a flat array) rather than from up to 8 destination objects, and then serves the overload
            // rule and the wlc step from the same replay. That pays when the replay is needed anyway; when sets serve
            // their addresses, replaying lazily lets changes pile up and be replayed in one go. The previous decision
            // predicts which case this one is: both ways give the same choice, only the cost differs.
            bool refreshed = block is not null && _lastNeededReplay;
            if (refreshed)
            {
                block!.Refresh();
            }

            int slot = _table.Find(key);

            // Most decisions on a busy set need both its least and its most loaded member (the least fails the
            // overload rule, the wlc choice replaces the most in a full set), so one pass reads each member once.
            // Only a set that was full when found can need its most loaded member below, and that pass found it.
            int most = -1;
            if (slot >= 0)
            {
                _table.LastUse(slot) = now;
                var members = _table.Members(slot);
                int least = -1;
                bool keyed = refreshed && (Avx2.IsSupported
                    ? SetExtremes(_table.MemberPlaces(slot), members.Length, block!, index.Weights, out least, out most)
                    : SetExtremes(members, block!, index.Weights, out least, out most));
                if (!keyed)
                {
                    least = SetExtremes(members, index.Destinations, out most);
                }

                if (members.Length > 1 && now - _table.LastModified(slot) > _table.Expiration && most >= 0)
                {
                    // The set is below capacity now, so the eviction below never sees this stale `most`.
                    _table.RemoveMember(slot, most);
                    _table.LastModified(slot) = now;
                }

                if (least >= 0)
                {
                    var cached = index.Destinations[least];
                    if (cached.ActiveConnections <= cached.Weight)
                    {
                        _lastNeededReplay = false;
                        return cached;
                    }

                    _lastNeededReplay = true;
                    if (block is null)
                    {
                        if (!index.AnyBelowHalfWeight())
                        {
                            return cached;
                        }
                    }
                    else
                    {
                        if (!refreshed)
                        {
                            block.Refresh();
                            refreshed = true;
                        }

                        if (!block.AnyBelowHalfWeightAsRefreshed)
                        {
                            return cached;
                        }
                    }
                }
            }

            _lastNeededReplay = true;
            int chosen;
            if (block is null)
            {
                chosen = index.Select<WeightedLeastConnectionPolicy>();
            }
            else
            {
                if (!refreshed)
                {
                    block.Refresh();
                }

                chosen = block.BestAsRefreshed;
            }

            if (chosen < 0)
            {
                return null;
            }

            if (slot < 0)
            {
                slot = _table.Add(key, now);
            }

            if (slot >= 0 && _table.Admit(slot, chosen, evict: most))
            {
                _table.LastModified(slot) = now;
            }

            return index.Destinations[chosen];
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>
    /// <see cref="SetExtremes(ReadOnlySpan{int}, SchedulerDestination[], out int)"/> from the wlc order keys of the
    /// block minimums (weights as captured by the last update, which the service table runs after every weight
    /// change): equal keys are equal ratios, so the first strictly least and most keys are the kernel's choices.
    /// False when a member with a positive weight carries the overload flag: it has no key, but still counts for
    /// the most loaded, so the caller reads the members live instead.
    /// </summary>
    internal static bool SetExtremes(
        ReadOnlySpan<int> members,
        LoadBlockMinimum<WeightedLeastConnectionPolicy> block,
        int[] weights,
        out int least,
        out int most)
    {
        least = -1;
        most = -1;
        long leastKey = LoadKey.None;
        long mostKey = long.MinValue;
        foreach (int position in members)
        {
            long key = block.KeyAsRefreshed(position);
            if (key == LoadKey.None)
            {
                if (weights[position] > 0)
                {
                    return false;
                }

                continue;
            }

            if (key < leastKey)
            {
                least = position;
                leastKey = key;
            }

            if (key > mostKey)
            {
                most = position;
                mostKey = key;
            }
        }

        return true;
    }

    /// <summary>
    /// <see cref="SetExtremes(ReadOnlySpan{int}, LoadBlockMinimum{WeightedLeastConnectionPolicy}, int[], out int, out int)"/>
    /// for a whole set at once: two AVX2 gathers of the members' keys, then vector minimum and maximum, so no
    /// comparison waits for the one before it and none is a branch on the data.
    /// </summary>
    /// <param name="places">All <see cref="SetCapacity"/> member places of the set; only the first <paramref name="size"/> are read.</param>
    internal static unsafe bool SetExtremes(
        ReadOnlySpan<int> places,
        int size,
        LoadBlockMinimum<WeightedLeastConnectionPolicy> block,
        int[] weights,
        out int least,
        out int most)
    {
        if (places.Length != SetCapacity || (uint)size > SetCapacity)
        {
            throw new ArgumentOutOfRangeException(nameof(places));
        }

        var positions = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(places));
        var count = Vector256.Create((long)size);
        var validLow = Vector256.LessThan(Vector256.Create(0L, 1, 2, 3), count);
        var validHigh = Vector256.LessThan(Vector256.Create(4L, 5, 6, 7), count);
        var none = Vector256.Create(LoadKey.None);

        // Places past the size are masked off, never loaded: their stale positions may lie outside the keys.
        long* keys = block.KeysAsRefreshed;
        var low = Avx2.GatherMaskVector256(none, keys, positions.GetLower(), validLow, sizeof(long));
        var high = Avx2.GatherMaskVector256(none, keys, positions.GetUpper(), validHigh, sizeof(long));
        var noneLow = Vector256.Equals(low, none);
        var noneHigh = Vector256.Equals(high, none);
        uint valid = (1u << size) - 1;
        uint keyless = (noneLow.ExtractMostSignificantBits() | (noneHigh.ExtractMostSignificantBits() << 4)) & valid;
        for (uint lanes = keyless; lanes != 0; lanes &= lanes - 1)
        {
            if (weights[places[BitOperations.TrailingZeroCount(lanes)]] > 0)
            {
                least = -1;
                most = -1;
                return false;
            }
        }

        // Keyless and unused lanes hold None, which no key of a candidate equals.
        var min = Vector256.Min(low, high);
        var min2 = Vector128.Min(min.GetLower(), min.GetUpper());
        long leastKey = Math.Min(min2.GetElement(0), min2.GetElement(1));
        var leastTarget = Vector256.Create(leastKey);
        uint leastLanes = Vector256.Equals(low, leastTarget).ExtractMostSignificantBits()
            | (Vector256.Equals(high, leastTarget).ExtractMostSignificantBits() << 4);
        least = leastKey == LoadKey.None ? -1 : places[BitOperations.TrailingZeroCount(leastLanes)];

        // For the most loaded, keyless and unused lanes drop to the bottom and are masked out of the match.
        var floor = Vector256.Create(long.MinValue);
        var mostLow = Vector256.ConditionalSelect(noneLow, floor, low);
        var mostHigh = Vector256.ConditionalSelect(noneHigh, floor, high);
        var max = Vector256.Max(mostLow, mostHigh);
        var max2 = Vector128.Max(max.GetLower(), max.GetUpper());
        var mostTarget = Vector256.Create(Math.Max(max2.GetElement(0), max2.GetElement(1)));
        uint candidates = valid & ~keyless;
        uint mostLanes = (Vector256.Equals(mostLow, mostTarget).ExtractMostSignificantBits()
            | (Vector256.Equals(mostHigh, mostTarget).ExtractMostSignificantBits() << 4)) & candidates;
        most = candidates == 0 ? -1 : places[BitOperations.TrailingZeroCount(mostLanes)];
        return true;
    }

    /// <summary>
    /// ip_vs_dest_set_min and ip_vs_dest_set_max in one pass: returns the weighted least-connection member, skipping
    /// overloaded and quiescent ones, and gives the weighted most-connection member with a positive weight, both as
    /// positions in <paramref name="destinations"/> or -1.
    /// </summary>
    /// <remarks>
    /// Kept as positions and masks rather than branches: which member is least or most is data, so a branch on it
    /// mispredicts about once a decision, and the JIT keeps branches (no conditional moves) inside loops.
    /// </remarks>
    internal static int SetExtremes(ReadOnlySpan<int> members, SchedulerDestination[] destinations, out int most)
    {
        int least = -1;
        long leastOverhead = 0;
        long leastWeight = 0;
        most = -1;
        long mostOverhead = 0;
        long mostWeight = 0;
        foreach (int position in members)
        {
            var member = destinations[position];
            int weight = member.Weight;
            long overhead = LeastConnectionPolicy.ConnectionOverhead(member);
            bool positive = weight > 0;

            // The first member that qualifies starts each comparison; later ones must beat it strictly.
            bool firstLeast = least < 0;
            bool takeLeast = !member.IsOverloaded & ((firstLeast & positive) | (!firstLeast & leastOverhead * weight > overhead * leastWeight));
            long keepLeast = (long)Unsafe.BitCast<bool, byte>(takeLeast) - 1;
            least = (int)((least & keepLeast) | (position & ~keepLeast));
            leastOverhead = (leastOverhead & keepLeast) | (overhead & ~keepLeast);
            leastWeight = (leastWeight & keepLeast) | (weight & ~keepLeast);

            bool takeMost = positive & ((most < 0) | (mostOverhead * weight < overhead * mostWeight));
            long keepMost = (long)Unsafe.BitCast<bool, byte>(takeMost) - 1;
            most = (int)((most & keepMost) | (position & ~keepMost));
            mostOverhead = (mostOverhead & keepMost) | (overhead & ~keepMost);
            mostWeight = (mostWeight & keepMost) | (weight & ~keepMost);
        }

        return least;
    }
}
