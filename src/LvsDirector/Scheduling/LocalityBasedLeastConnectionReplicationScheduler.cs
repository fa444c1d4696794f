using System.Runtime.CompilerServices;

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
            int slot = _table.Find(key);

            // Most decisions on a busy set need both its least and its most loaded member (the least fails the
            // overload rule, the wlc choice replaces the most in a full set), so one pass reads each member once.
            // Only a set that was full when found can need its most loaded member below, and that pass found it.
            int most = -1;
            if (slot >= 0)
            {
                _table.LastUse(slot) = now;
                int least = SetExtremes(_table.Members(slot), index.Destinations, out most);
                if (_table.SizeOf(slot) > 1 && now - _table.LastModified(slot) > _table.Expiration && most >= 0)
                {
                    // The set is below capacity now, so the eviction below never sees this stale `most`.
                    _table.RemoveMember(slot, most);
                    _table.LastModified(slot) = now;
                }

                if (least >= 0 && !LocalityBasedLeastConnectionScheduler.IsOverloaded(index.Destinations[least], index))
                {
                    return index.Destinations[least];
                }
            }

            int chosen = index.Select<WeightedLeastConnectionPolicy>();
            if (chosen < 0)
            {
                return null;
            }

            if (slot < 0)
            {
                slot = _table.Add(key, now);
            }

            if (slot >= 0 && !_table.Members(slot).Contains(chosen))
            {
                if (_table.SizeOf(slot) == SetCapacity && most >= 0)
                {
                    _table.RemoveMember(slot, most);
                }

                _table.InsertFirst(slot, chosen);
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
