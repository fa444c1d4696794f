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
            Volatile.Write(ref _weight, value);
            Volatile.Read(ref _changeSlot)?.Touch(this);
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
            Volatile.Write(ref _overloaded, value ? 1 : 0);
            Volatile.Read(ref _changeSlot)?.Touch(this);
        }
    }

    /// <summary>
    /// Where a least-load scheduler (lc, wlc, sed, nq, lblc, lblcr) wants to hear about load changes, so it can
    /// replay only this destination's matches in its tournament; null when no such scheduler tracks this destination.
    /// </summary>
    internal LoadChangeSlot? ChangeSlot
    {
        get => Volatile.Read(ref _changeSlot);
        set => Volatile.Write(ref _changeSlot, value);
    }

    // Connection counters move from several workers at once; Interlocked keeps them exact without a lock.
    // The slot is touched after the counter moves and re-reads the live counters, so the last report after any
    // change leaves the scheduler's tree exact (see LoadTournament).
    public void AddActive(int delta)
    {
        Interlocked.Add(ref _activeConnections, delta);
        Volatile.Read(ref _changeSlot)?.Touch(this);
    }

    public void AddInactive(int delta)
    {
        Interlocked.Add(ref _inactiveConnections, delta);
        Volatile.Read(ref _changeSlot)?.Touch(this);
    }
}
