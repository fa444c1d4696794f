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
                result[i] = members[i]!;
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
            _table.Purge(new HashSet<SchedulerDestination>(index.Destinations, ReferenceEqualityComparer.Instance));
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
            if (slot >= 0)
            {
                _table.LastUse(slot) = now;
                var least = SetMinimum(_table.Members(slot));
                if (_table.SizeOf(slot) > 1 && now - _table.LastModified(slot) > _table.Expiration
                    && SetMaximum(_table.Members(slot)) is { } most)
                {
                    _table.RemoveMember(slot, most);
                    _table.LastModified(slot) = now;
                }

                if (least is not null && !LocalityBasedLeastConnectionScheduler.IsOverloaded(least, index))
                {
                    return least;
                }
            }

            int chosen = index.Select<WeightedLeastConnectionPolicy>();
            if (chosen < 0)
            {
                return null;
            }

            var destination = index.Destinations[chosen];
            if (slot < 0)
            {
                slot = _table.Add(key, now);
            }

            if (slot >= 0 && _table.Members(slot).IndexOf(destination) < 0)
            {
                if (_table.SizeOf(slot) == SetCapacity && SetMaximum(_table.Members(slot)) is { } most)
                {
                    _table.RemoveMember(slot, most);
                }

                _table.InsertFirst(slot, destination);
                _table.LastModified(slot) = now;
            }

            return destination;
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>ip_vs_dest_set_min: weighted least-connection member, skipping overloaded and quiescent ones.</summary>
    private static SchedulerDestination? SetMinimum(ReadOnlySpan<SchedulerDestination?> members)
    {
        SchedulerDestination? least = null;
        int leastOverhead = 0;
        int leastWeight = 0;
        foreach (var member in members)
        {
            if (member!.IsOverloaded)
            {
                continue;
            }

            int weight = member.Weight;
            if (least is null)
            {
                if (weight > 0)
                {
                    least = member;
                    leastOverhead = LeastConnectionPolicy.ConnectionOverhead(member);
                    leastWeight = weight;
                }

                continue;
            }

            int overhead = LeastConnectionPolicy.ConnectionOverhead(member);
            if ((long)leastOverhead * weight > (long)overhead * leastWeight)
            {
                least = member;
                leastOverhead = overhead;
                leastWeight = weight;
            }
        }

        return least;
    }

    /// <summary>ip_vs_dest_set_max: weighted most-connection member with a positive weight.</summary>
    private static SchedulerDestination? SetMaximum(ReadOnlySpan<SchedulerDestination?> members)
    {
        SchedulerDestination? most = null;
        int mostOverhead = 0;
        int mostWeight = 0;
        foreach (var member in members)
        {
            int weight = member!.Weight;
            if (most is null)
            {
                if (weight > 0)
                {
                    most = member;
                    mostOverhead = LeastConnectionPolicy.ConnectionOverhead(member);
                    mostWeight = weight;
                }

                continue;
            }

            int overhead = LeastConnectionPolicy.ConnectionOverhead(member);
            if ((long)mostOverhead * weight < (long)overhead * mostWeight && weight > 0)
            {
                most = member;
                mostOverhead = overhead;
                mostWeight = weight;
            }
        }

        return most;
    }
}
