using Microsoft.Extensions.Logging;

namespace LvsDirector.DataPath;

/// <summary>Data path lifecycle log lines; event ids 2000-2099.</summary>
internal static partial class DirectorLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Link {Interface} opened: mac {Mac}, mtu {Mtu}, {AddressCount} IPv4 address(es), IPv6 {Ipv6Address} (link-local {LinkLocal})")]
    public static partial void LinkOpened(
        ILogger logger, string @interface, LvsDirector.Packets.MacAddress mac, int mtu, int addressCount, string ipv6Address, string linkLocal);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Director started on {LinkCount} link(s) with {WorkerCount} packet worker(s), connection table size {TableSize} per worker")]
    public static partial void Started(ILogger logger, int linkCount, int workerCount, int tableSize);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Director stopped after {Received} frames received, {Forwarded} forwarded; counters: {Counters}")]
    public static partial void Stopped(ILogger logger, long received, long forwarded, string counters);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Critical, Message = "Packet worker {Worker} failed; the traffic steered to it is no longer forwarded")]
    public static partial void WorkerFailed(ILogger logger, int worker, Exception exception);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Packet worker {Worker} dropped {Count} frame(s) or command(s) whose handling threw (drop_internal_error); forwarding continues. First of them")]
    public static partial void FrameFault(ILogger logger, int worker, long count, Exception exception);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Packet worker {Worker} could not be pinned to CPU {Cpu} (errno {Errno}); it runs unpinned")]
    public static partial void PinningFailed(ILogger logger, int worker, int cpu, int errno);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "The virtual addresses do not fit in one worker-steering program ({Instructions} instructions, at most 4096); every frame goes to worker 0 until they do")]
    public static partial void SteeringTooLarge(ILogger logger, int instructions);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Error, Message = "The worker-steering program could not be installed on {Interface}; frames may reach a worker that does not hold their connection")]
    public static partial void SteeringFailed(ILogger logger, string @interface, Exception exception);
}
