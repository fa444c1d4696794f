namespace LvsDirector.Scheduling;

/// <summary>
/// ipvsadm -b flags (IP_VS_SVC_F_SCHED1..3). sh and mh read flag-1 as fallback and flag-2 as port; the other
/// schedulers ignore them, as the kernel's do.
/// </summary>
[Flags]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "ipvsadm calls them sched-flags.")]
public enum SchedulerFlags
{
    None = 0,

    /// <summary>flag-1; sh-fallback for sh, mh-fallback for mh: walk on when the hashed server is unavailable.</summary>
    Flag1 = 1,

    /// <summary>flag-2; sh-port for sh, mh-port for mh: hash the source port too (TCP, UDP, SCTP).</summary>
    Flag2 = 2,

    /// <summary>flag-3; unused by the kernel's schedulers.</summary>
    Flag3 = 4,

    Fallback = Flag1,

    Port = Flag2,
}
