namespace LvsDirector.Scheduling;

/// <summary>
/// One IPVS scheduling policy for one virtual service. The control plane calls <see cref="Update"/>
/// whenever the service's real servers or their weights change, so expensive tables are built there;
/// <see cref="Schedule"/> runs on packet workers and must not allocate or block.
/// </summary>
public abstract class Scheduler
{
    private int _flags;

    /// <summary>The -b flags in force; read on the data path, so kept in one volatile word.</summary>
    public SchedulerFlags Flags => (SchedulerFlags)Volatile.Read(ref _flags);

    /// <summary>The ipvsadm name (-s NAME).</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Replaces the destination list; called by the control plane only, never concurrently with itself. Call it
    /// after any weight change too: schedulers capture weights here (the overload flag is read live).
    /// </summary>
    public abstract void Update(IReadOnlyList<SchedulerDestination> destinations);

    /// <summary>Sets the -b flags (ipvsadm -A/-E ... -b); takes effect with the next decision.</summary>
    public virtual void Configure(SchedulerFlags flags) => Volatile.Write(ref _flags, (int)flags);

    /// <summary>Picks a destination for a new connection, or null when none is available.</summary>
    public abstract SchedulerDestination? Schedule(in ScheduleInput input);
}
