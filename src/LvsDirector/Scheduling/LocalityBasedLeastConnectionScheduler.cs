namespace LvsDirector.Scheduling;

/// <summary>
/// IPVS "lblc": each virtual-side destination address sticks to one server, chosen by wlc when the address is new,
/// when its server is quiescent, or when its server is overloaded by the lblc rule: more active connections than
/// its weight while some server has active connections * 2 below its weight (ip_vs_lblc.c).
/// </summary>
/// <remarks>
/// <para>
/// The assignments live in a preallocated <see cref="LocalityTable"/> with the kernel's expiry (entries unused for
/// <see cref="Expiration"/>, default 24 h, go at the half-hourly full check; idle ones after 6 minutes when the
/// cache holds over 16384 addresses). Time comes from the <see cref="TimeProvider"/> given at construction.
/// </para>
/// <para>
/// A decision takes one short lock (the kernel takes svc->sched_lock only to insert); nothing is allocated.
/// Cached servers' weights are read live, as the kernel does; the wlc choice uses the weights captured by
/// <see cref="Update"/>. Entries whose server was removed are reassigned on their next use.
/// </para>
/// </remarks>
public sealed class LocalityBasedLeastConnectionScheduler : Scheduler
{
    public const string SchedulerName = "lblc";

    private readonly LocalityTable _table;
    private SpinGate _gate;
    private LeastLoadIndex _index = LeastLoadIndex.Empty;

    public LocalityBasedLeastConnectionScheduler()
        : this(TimeProvider.System)
    {
    }

    public LocalityBasedLeastConnectionScheduler(TimeProvider time, int capacity = LocalityTable.DefaultCapacity)
    {
        _table = new LocalityTable(capacity, 1, time, TimeSpan.FromHours(24));
    }

    public override string Name => SchedulerName;

    /// <summary>sysctl lblc_expiration: how long an unused assignment survives the full check.</summary>
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

    /// <summary>Cached destination addresses.</summary>
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
            if (slot >= 0)
            {
                _table.LastUse(slot) = now;
                var members = _table.Members(slot);
                if (members.Length > 0)
                {
                    var cached = index.Destinations[members[0]];
                    if (cached.Weight > 0 && !IsOverloaded(cached, index))
                    {
                        return cached;
                    }
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

            if (slot >= 0)
            {
                var members = _table.Members(slot);
                if (members.Length == 0 || members[0] != chosen)
                {
                    // ip_vs_lblc_new replaces the entry, which restarts its use time.
                    _table.ReplaceAll(slot, chosen);
                    _table.LastUse(slot) = now;
                }
            }

            return index.Destinations[chosen];
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>
    /// is_overloaded of ip_vs_lblc.c / ip_vs_lblcr.c: more active connections than weight, while some destination
    /// of the service has active connections * 2 below its weight. The cached server's weight is read live, the
    /// others' as captured by the last update (the kernel reads all live; they differ only until that update).
    /// </summary>
    internal static bool IsOverloaded(SchedulerDestination destination, LeastLoadIndex index) =>
        destination.ActiveConnections > destination.Weight && index.AnyBelowHalfWeight();
}
