namespace LvsDirector.Services;

/// <summary>Outcome of a service table change; the non-None values mirror the errors ipvsadm reports.</summary>
public enum ServiceTableError
{
    None,
    ServiceExists,
    NoSuchService,
    DestinationExists,
    NoSuchDestination,
    UnknownScheduler,
    InvalidArgument,

    /// <summary>Port 0 on a service that is not persistent (IPVS schedules port-zero services only with persistence).</summary>
    ZeroPortNotPersistent,

    /// <summary>-y above -x (IPVS answers ERANGE).</summary>
    ThresholdRange,

    /// <summary>
    /// A real server of the other address family than its service (IPVS allows that only for tunnelled servers; lvsd
    /// refuses it for every method), or a persistence mask of the wrong family (a dotted mask for IPv6, a prefix for IPv4).
    /// </summary>
    AddressFamilyMismatch,
}
