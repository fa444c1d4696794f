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
}
