namespace LvsDirector.Scheduling;

/// <summary>
/// What a scheduler may know about a real server: its address for hashing schedulers, its weight and
/// its connection counters. Services.RealServer derives from it, so Scheduling depends on nothing of ours.
/// </summary>
public abstract class SchedulerDestination
{
    private int _weight;
    private int _activeConnections;
    private int _inactiveConnections;
    private int _overloaded;
    private LoadChangeSlot? _changeSlot;

    protected SchedulerDestination(uint address, ushort port, int weight)
    {
        Address = address;
        Port = port;
        _weight = weight;
    }

    /// <summary>IPv4 address in host byte order.</summary>
    public uint Address { get; }

    public ushort Port { get; }

    /// <summary>Weight 0 means quiescent: no new connections, existing ones stay.</summary>
    public int Weight
    {
        get => Volatile.Read(ref _weight);
        set
        {
            // A full fence before the change mark is read (see LoadChangeTracker).
            Interlocked.Exchange(ref _weight, value);
            Volatile.Read(ref _changeSlot)?.Touch();
        }
    }

    public int ActiveConnections => Volatile.Read(ref _activeConnections);

    public int InactiveConnections => Volatile.Read(ref _inactiveConnections);

    /// <summary>Set when the upper connection threshold is exceeded (IP_VS_DEST_F_OVERLOAD).</summary>
    public bool IsOverloaded
    {
        get => Volatile.Read(ref _overloaded) != 0;
        set
        {
            Interlocked.Exchange(ref _overloaded, value ? 1 : 0);
            Volatile.Read(ref _changeSlot)?.Touch();
        }
    }

    /// <summary>
    /// Where a least-load scheduler (lc, wlc, sed, nq, lblc, lblcr) wants to hear about load changes, so it can
    /// mark this destination for its block minimums' next decision; null when no such scheduler tracks this destination.
    /// </summary>
    internal LoadChangeSlot? ChangeSlot
    {
        get => Volatile.Read(ref _changeSlot);
        set => Volatile.Write(ref _changeSlot, value);
    }

    // Connection counters move from several workers at once; Interlocked keeps them exact without a lock.
    // The slot is touched after the counter moves (the Interlocked add is the fence the change mark relies on), and
    // the next decision re-reads the live counters, so it sees every change made before it (see LoadChangeTracker).
    public void AddActive(int delta)
    {
        Interlocked.Add(ref _activeConnections, delta);
        Volatile.Read(ref _changeSlot)?.Touch();
    }

    public void AddInactive(int delta)
    {
        Interlocked.Add(ref _inactiveConnections, delta);
        Volatile.Read(ref _changeSlot)?.Touch();
    }
}
