using Microsoft.Extensions.Logging;

namespace LvsDirector.DataPath;

/// <summary>Data path lifecycle log lines; event ids 2000-2099.</summary>
internal static partial class DirectorLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Link {Interface} opened: mac {Mac}, mtu {Mtu}, {AddressCount} IPv4 address(es), IPv6 {Ipv6Address} (link-local {LinkLocal})")]
    public static partial void LinkOpened(
        ILogger logger, string @interface, LvsDirector.Packets.MacAddress mac, int mtu, int addressCount, string ipv6Address, string linkLocal);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Director started on {LinkCount} link(s), connection table size {TableSize}")]
    public static partial void Started(ILogger logger, int linkCount, int tableSize);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Director stopped after {Received} frames received, {Forwarded} forwarded; counters: {Counters}")]
    public static partial void Stopped(ILogger logger, long received, long forwarded, string counters);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Critical, Message = "Packet worker failed; traffic is no longer forwarded")]
    public static partial void WorkerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Packet worker dropped {Count} frame(s) or command(s) whose handling threw (drop_internal_error); forwarding continues. First of them")]
    public static partial void FrameFault(ILogger logger, long count, Exception exception);
}
