using Microsoft.Extensions.Logging;

namespace LvsDirector.HighAvailability;

/// <summary>VRRP log lines; event ids 3100-3199.</summary>
internal static partial class VrrpLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "VRRP instance VR {RouterId} on {Interface}: {From} -> {To} ({Reason})")]
    public static partial void StateChanged(ILogger logger, int routerId, string @interface, string from, string to, string reason);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "VRRP instance VR {RouterId} on {Interface}: dropped an advertisement from {Source}: {Problem}")]
    public static partial void Dropped(ILogger logger, int routerId, string @interface, string source, string problem);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "VRRP instance VR {RouterId} on {Interface}: advertisement from {Source} lists {Theirs}, this director has {Ours}; check both configurations")]
    public static partial void AddressMismatch(ILogger logger, int routerId, string @interface, string source, string theirs, string ours);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "VRRP instance VR {RouterId} on {Interface} starting: {Settings}")]
    public static partial void Starting(ILogger logger, int routerId, string @interface, string settings);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "VRRP instance VR {RouterId} on {Interface}: sent a priority 0 advertisement so the backup takes over at once")]
    public static partial void ResignedMastership(ILogger logger, int routerId, string @interface);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "VRRP instance VR {RouterId} on {Interface}: could not send an advertisement ({Count} failure(s) so far)")]
    public static partial void SendFailed(ILogger logger, int routerId, string @interface, long count);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Error, Message = "VRRP on {Interface}: receiving adverts failed; retrying")]
    public static partial void ReceiveFailed(ILogger logger, string @interface, Exception exception);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Warning, Message = "VRRP on {Interface}: sending to {Destination} failed: {Error}")]
    public static partial void TransportSendFailed(ILogger logger, string @interface, string destination, string error);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Error, Message = "VRRP instance VR {RouterId} on {Interface}: acting on a state change failed")]
    public static partial void ObserverFailed(ILogger logger, int routerId, string @interface, Exception exception);
}
