using Microsoft.Extensions.Logging;

namespace LvsDirector.Io;

/// <summary>Log lines of the kernel ingress filter; event ids 2200-2219. One line per change, never one per frame.</summary>
internal static partial class KernelIngressFilterLog
{
    [LoggerMessage(EventId = 2200, Level = LogLevel.Information, Message = "Kernel ingress filter on {Interfaces}: frames lvsd forwards to {VirtualCount} virtual address(es) and from {NatCount} NAT real server(s) are dropped after the capture taps, before the kernel's IP stack (tc ingress pref {Preference}, {Instructions} classic BPF instructions)")]
    public static partial void Installed(ILogger logger, string interfaces, int virtualCount, int natCount, int preference, int instructions);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Kernel ingress filter off: {Reason}. The kernel keeps receiving every frame lvsd forwards and drops it itself (install iproute2's tc, or set kernel_bypass.ingress_drop: false to silence this)")]
    public static partial void TrafficControlUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Kernel ingress filter off on {Interface}: {Step} failed: {Reason}. The kernel keeps receiving the frames lvsd forwards there (the filter needs the clsact qdisc, CONFIG_NET_SCH_INGRESS, and cls_bpf, CONFIG_NET_CLS_BPF)")]
    public static partial void Unsupported(ILogger logger, string @interface, string step, string reason);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Information, Message = "Kernel ingress filter on {Interface}: replacing the filter an earlier lvsd left at tc ingress pref {Preference}")]
    public static partial void LeftoverReplaced(ILogger logger, string @interface, int preference);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Warning, Message = "Kernel ingress filter left out: {Instructions} instructions for {VirtualCount} virtual address(es) and {NatCount} NAT real server(s) exceed the kernel's limit of {Limit}; the kernel drops those frames itself")]
    public static partial void TooLarge(ILogger logger, int instructions, int virtualCount, int natCount, int limit);

    [LoggerMessage(EventId = 2205, Level = LogLevel.Debug, Message = "Kernel ingress filter updated: {VirtualCount} virtual address(es), {NatCount} NAT real server(s), {Instructions} instructions")]
    public static partial void Updated(ILogger logger, int virtualCount, int natCount, int instructions);

    [LoggerMessage(EventId = 2206, Level = LogLevel.Warning, Message = "Kernel ingress filter on {Interface} not updated: {Reason}; the previous filter stays until an update succeeds")]
    public static partial void UpdateFailed(ILogger logger, string @interface, string reason);

    [LoggerMessage(EventId = 2207, Level = LogLevel.Information, Message = "Kernel ingress filter removed from {Interfaces}")]
    public static partial void Removed(ILogger logger, string interfaces);

    [LoggerMessage(EventId = 2208, Level = LogLevel.Warning, Message = "Kernel ingress filter on {Interface} not removed: {Reason}; remove it by hand with: tc filter del dev {Interface} ingress pref {Preference}")]
    public static partial void RemoveFailed(ILogger logger, string @interface, string reason, int preference);

    [LoggerMessage(EventId = 2209, Level = LogLevel.Warning, Message = "Kernel ingress filter could not be brought up to date; the filter in force stays and the next check tries again")]
    public static partial void CheckFailed(ILogger logger, Exception exception);
}
