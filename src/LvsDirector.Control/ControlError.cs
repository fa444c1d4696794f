using System.Text.Json.Serialization;

namespace LvsDirector.Control;

/// <summary>
/// Why a request failed. The first group mirrors the errno values the kernel's IPVS returns (and that
/// libipvs turns into ipvsadm's messages); the second group is about the control channel itself.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ControlError>))]
public enum ControlError
{
    [JsonStringEnumMemberName("none")]
    None,

    /// <summary>EEXIST on add-service.</summary>
    [JsonStringEnumMemberName("service-exists")]
    ServiceExists,

    /// <summary>ESRCH: the virtual service does not exist (ipvsadm says "Service not defined" for server commands).</summary>
    [JsonStringEnumMemberName("no-such-service")]
    NoSuchService,

    /// <summary>EEXIST on add-server.</summary>
    [JsonStringEnumMemberName("destination-exists")]
    DestinationExists,

    /// <summary>ENOENT on edit-server/delete-server.</summary>
    [JsonStringEnumMemberName("no-such-destination")]
    NoSuchDestination,

    /// <summary>ENOENT on add/edit-service: unknown scheduler or persistence engine.</summary>
    [JsonStringEnumMemberName("scheduler-not-found")]
    SchedulerNotFound,

    /// <summary>EPERM.</summary>
    [JsonStringEnumMemberName("permission-denied")]
    PermissionDenied,

    /// <summary>EINVAL: a value the director cannot accept.</summary>
    [JsonStringEnumMemberName("invalid-argument")]
    InvalidArgument,

    /// <summary>ENOPROTOOPT.</summary>
    [JsonStringEnumMemberName("protocol-not-available")]
    ProtocolNotAvailable,

    /// <summary>ENOMEM.</summary>
    [JsonStringEnumMemberName("out-of-memory")]
    OutOfMemory,

    /// <summary>EOPNOTSUPP: "Operation not supported with IPv6".</summary>
    [JsonStringEnumMemberName("ipv6-not-supported")]
    Ipv6NotSupported,

    /// <summary>EAFNOSUPPORT.</summary>
    [JsonStringEnumMemberName("address-family-not-supported")]
    AddressFamilyNotSupported,

    /// <summary>The request frame or JSON could not be read.</summary>
    [JsonStringEnumMemberName("bad-request")]
    BadRequest,

    /// <summary>The request frame exceeded the server's limit.</summary>
    [JsonStringEnumMemberName("request-too-large")]
    RequestTooLarge,

    /// <summary>The request named a command this server does not know.</summary>
    [JsonStringEnumMemberName("unknown-command")]
    UnknownCommand,

    /// <summary>The command is known but not implemented by this daemon.</summary>
    [JsonStringEnumMemberName("not-supported")]
    NotSupported,

    /// <summary>The request did not arrive in time.</summary>
    [JsonStringEnumMemberName("timeout")]
    Timeout,

    /// <summary>The handler failed unexpectedly.</summary>
    [JsonStringEnumMemberName("internal")]
    Internal,
}
