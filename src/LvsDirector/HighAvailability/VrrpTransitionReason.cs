namespace LvsDirector.HighAvailability;

/// <summary>Why a VRRP instance changed state, for the log line and the status page.</summary>
public enum VrrpTransitionReason
{
    /// <summary>Start-up as a backup (priority below 255).</summary>
    Startup,

    /// <summary>Start-up with priority 255: the address owner is master at once.</summary>
    AddressOwner,

    /// <summary>No advertisement from a master for Master_Down_Interval (or Skew_Time after a priority 0 one).</summary>
    MasterDownTimerExpired,

    /// <summary>A master with a higher priority (or an equal one and a higher primary address) advertised.</summary>
    PreemptedByPeer,

    /// <summary>The instance was stopped (lvsd shutting down).</summary>
    Shutdown,
}
