using LvsDirector.Control;

namespace LvsDirector.Admin;

/// <summary>
/// libipvs's ipvs_strerror: the same error reads differently per command ("No such service" for service
/// commands, "Service not defined" for real-server commands). Errors ipvsadm never meets fall back to lvsd's text.
/// </summary>
internal static class IpvsErrorText
{
    public static string For(AdminCommandKind command, ControlError error, string? daemonMessage)
    {
        var serverCommand = command is AdminCommandKind.AddServer or AdminCommandKind.EditServer or AdminCommandKind.DeleteServer;
        return error switch
        {
            ControlError.ServiceExists => "Service already exists",
            ControlError.SchedulerNotFound => "Scheduler or persistence engine not found",
            ControlError.NoSuchService when serverCommand => "Service not defined",
            ControlError.NoSuchService => "No such service",
            ControlError.DestinationExists => "Destination already exists",
            ControlError.NoSuchDestination => "No such destination",
            ControlError.PermissionDenied => "Permission denied (you must be root)",
            ControlError.InvalidArgument when !string.IsNullOrEmpty(daemonMessage) => daemonMessage,
            ControlError.InvalidArgument => "Invalid operation.  Possibly wrong module version, address not unicast, ...",
            ControlError.ProtocolNotAvailable => "Protocol not available",
            ControlError.OutOfMemory => "Memory allocation problem",
            ControlError.Ipv6NotSupported => "Operation not supported with IPv6",
            ControlError.AddressFamilyNotSupported => "Operation not supported with specified address family",

            // What lvsd lacks (GRE, tunnel checksums) it names itself; there is no kernel text for it.
            ControlError.NotSupported when !string.IsNullOrEmpty(daemonMessage) => daemonMessage,
            _ => string.IsNullOrEmpty(daemonMessage) ? $"lvsd error: {error}" : $"lvsd error: {daemonMessage}",
        };
    }
}
