using System.Globalization;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Io;

/// <summary>
/// Keeps the director's kernel out of the frames lvsd forwards: a tc filter on each captured interface's ingress hook
/// (clsact qdisc, cls_bpf in direct-action mode, lvsd's own preference) drops them after the AF_PACKET taps, which
/// run first in __netif_receive_skb_core, so lvsd still gets every one while the kernel's IP stack never sees them.
/// </summary>
/// <remarks>
/// Best effort by design: without tc, clsact or cls_bpf it logs one warning and lvsd forwards as before, the kernel
/// then dropping those frames itself. Only lvsd's preference is ever touched; a filter found there at start is an
/// earlier lvsd's and is replaced. Updates replace the program in place (tc filter replace), so no frame slips
/// between two versions.
/// </remarks>
internal sealed class KernelIngressFilter
{
    /// <summary>lvsd's tc filter preference (priority) on ingress: high, so an operator's own filters run first.</summary>
    public const int Preference = 65000;

    private static readonly string PreferenceText = Preference.ToString(CultureInfo.InvariantCulture);

    private readonly Lock _gate = new();
    private readonly TrafficControl _tc;
    private readonly ILogger _logger;
    private readonly List<IngressFilterAttachment> _attachments;
    private string _bytecode = string.Empty;
    private bool _tooLargeLogged;
    private bool _updateFailing;
    private bool _removed;

    private KernelIngressFilter(IReadOnlyList<string> interfaces, ILogger logger, TrafficControl tc)
    {
        _tc = tc;
        _logger = logger;
        _attachments = interfaces.Select(i => new IngressFilterAttachment(i)).ToList();
    }

    /// <summary>The tc bytecode in force ("" when none is installed), for tests and diagnostics.</summary>
    public string Bytecode
    {
        get
        {
            lock (_gate)
            {
                return _bytecode;
            }
        }
    }

    /// <summary>Interfaces on which the filter can be kept (tc and the kernel took it, or it had nothing to install yet).</summary>
    public IReadOnlyList<string> ActiveInterfaces
    {
        get
        {
            lock (_gate)
            {
                return _attachments.Where(a => a.Usable).Select(a => a.Interface).ToArray();
            }
        }
    }

    /// <summary>
    /// Puts the filter for <paramref name="rules"/> on every interface (replacing what an earlier lvsd left there).
    /// Never throws for a missing tc or an unsupported kernel: it logs and leaves that interface alone.
    /// </summary>
    public static KernelIngressFilter Install(IReadOnlyList<string> interfaces, IngressDropRules rules, ILogger logger, TrafficControl? tc = null)
    {
        ArgumentNullException.ThrowIfNull(interfaces);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(logger);
        var filter = new KernelIngressFilter(interfaces, logger, tc ?? new TrafficControl());
        filter.Attach(rules);
        return filter;
    }

    /// <summary>Installs the program for <paramref name="rules"/> if it differs from the one in force.</summary>
    public void Update(IngressDropRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        lock (_gate)
        {
            if (_removed || !_attachments.Exists(a => a.Usable))
            {
                return;
            }

            var bytecode = Compile(rules, out var instructions);
            if (bytecode == _bytecode)
            {
                return;
            }

            var failed = false;
            foreach (var attachment in _attachments.Where(a => a.Usable))
            {
                if (Apply(attachment, bytecode) is { } reason)
                {
                    failed = true;
                    if (!_updateFailing)
                    {
                        KernelIngressFilterLog.UpdateFailed(_logger, attachment.Interface, reason);
                    }
                }
            }

            _updateFailing = failed;
            if (!failed)
            {
                _bytecode = bytecode;
                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    var (virtualCount, natCount) = Counts(rules);
                    KernelIngressFilterLog.Updated(_logger, virtualCount, natCount, instructions);
                }
            }
        }
    }

    /// <summary>Takes lvsd's filter off every interface, and the clsact qdisc lvsd added when nothing else uses it.</summary>
    public void Remove()
    {
        lock (_gate)
        {
            if (_removed)
            {
                return;
            }

            _removed = true;
            var removed = new List<string>();
            foreach (var attachment in _attachments.Where(a => a.Usable && (a.Installed || a.OwnsQdisc)))
            {
                if (attachment.Installed)
                {
                    var delete = _tc.Run("filter", "del", "dev", attachment.Interface, "ingress", "pref", PreferenceText);
                    if (!delete.Succeeded)
                    {
                        KernelIngressFilterLog.RemoveFailed(_logger, attachment.Interface, delete.Reason, Preference);
                        continue;
                    }

                    attachment.Installed = false;
                    removed.Add(attachment.Interface);
                }

                DeleteQdiscIfUnused(attachment);
            }

            _bytecode = string.Empty;
            if (removed.Count > 0 && _logger.IsEnabled(LogLevel.Information))
            {
                var names = string.Join(", ", removed);
                KernelIngressFilterLog.Removed(_logger, names);
            }
        }
    }

    internal static bool IsOurs(string filterLine) =>
        filterLine.Contains($" pref {PreferenceText} ", StringComparison.Ordinal);

    private static (int Virtual, int Nat) Counts(IngressDropRules rules) =>
        (rules.Virtual4.Count + rules.Virtual6.Count, rules.NatServers4.Count + rules.NatServers6.Count);

    private static string[] Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private void Attach(IngressDropRules rules)
    {
        lock (_gate)
        {
            var bytecode = Compile(rules, out var instructions);
            foreach (var attachment in _attachments)
            {
                var qdiscs = _tc.Run("qdisc", "show", "dev", attachment.Interface);
                if (!qdiscs.Started)
                {
                    KernelIngressFilterLog.TrafficControlUnavailable(_logger, qdiscs.Reason);
                    _attachments.ForEach(a => a.Usable = false);
                    return;
                }

                if (!qdiscs.Succeeded)
                {
                    KernelIngressFilterLog.Unsupported(_logger, attachment.Interface, "tc qdisc show", qdiscs.Reason);
                    attachment.Usable = false;
                    continue;
                }

                attachment.HasQdisc = Lines(qdiscs.StandardOutput).Any(l => l.StartsWith("qdisc clsact ", StringComparison.Ordinal) || l.StartsWith("qdisc ingress ", StringComparison.Ordinal));
                if (attachment.HasQdisc)
                {
                    var ingress = Lines(_tc.Run("filter", "show", "dev", attachment.Interface, "ingress").StandardOutput);
                    attachment.Installed = ingress.Any(IsOurs);
                    if (attachment.Installed)
                    {
                        // An earlier lvsd was killed before it could clean up; if the qdisc holds nothing else, it was its.
                        KernelIngressFilterLog.LeftoverReplaced(_logger, attachment.Interface, Preference);
                        attachment.OwnsQdisc = ingress.All(IsOurs) && Lines(_tc.Run("filter", "show", "dev", attachment.Interface, "egress").StandardOutput).Length == 0;
                    }
                }

                if (Apply(attachment, bytecode) is { } reason)
                {
                    KernelIngressFilterLog.Unsupported(_logger, attachment.Interface, "tc filter replace ... bpf da", reason);
                    attachment.Usable = false;
                    DeleteQdiscIfUnused(attachment);
                }
            }

            _bytecode = bytecode;
            var active = _attachments.Where(a => a.Usable && a.Installed).Select(a => a.Interface).ToArray();
            if (active.Length > 0 && _logger.IsEnabled(LogLevel.Information))
            {
                var names = string.Join(", ", active);
                var (virtualCount, natCount) = Counts(rules);
                KernelIngressFilterLog.Installed(_logger, names, virtualCount, natCount, Preference, instructions);
            }
        }
    }

    /// <summary>Puts <paramref name="bytecode"/> at lvsd's preference ("" removes it); the reason when tc refuses.</summary>
    private string? Apply(IngressFilterAttachment attachment, string bytecode)
    {
        var name = attachment.Interface;
        if (bytecode.Length == 0)
        {
            if (!attachment.Installed)
            {
                return null;
            }

            var delete = _tc.Run("filter", "del", "dev", name, "ingress", "pref", PreferenceText);
            if (!delete.Succeeded)
            {
                return delete.Reason;
            }

            attachment.Installed = false;
            return null;
        }

        if (!attachment.HasQdisc)
        {
            var add = _tc.Run("qdisc", "add", "dev", name, "clsact");
            if (!add.Succeeded)
            {
                return $"tc qdisc add dev {name} clsact: {add.Reason}";
            }

            attachment.HasQdisc = attachment.OwnsQdisc = true;
        }

        // protocol all: one program for IPv4 and IPv6, it reads the EtherType itself. handle 1 makes replace
        // change this one filter in place.
        var replace = _tc.Run("filter", "replace", "dev", name, "ingress", "pref", PreferenceText, "handle", "1", "protocol", "all", "bpf", "da", "bytecode", bytecode);
        if (!replace.Succeeded)
        {
            return replace.Reason;
        }

        attachment.Installed = true;
        return null;
    }

    private void DeleteQdiscIfUnused(IngressFilterAttachment attachment)
    {
        if (!attachment.OwnsQdisc || attachment.Installed)
        {
            return;
        }

        var name = attachment.Interface;
        var ingress = _tc.Run("filter", "show", "dev", name, "ingress");
        var egress = _tc.Run("filter", "show", "dev", name, "egress");
        if (ingress.Succeeded && egress.Succeeded && Lines(ingress.StandardOutput).Length == 0 && Lines(egress.StandardOutput).Length == 0)
        {
            // Best effort: an empty clsact left behind costs a branch per frame, nothing else.
            _ = _tc.Run("qdisc", "del", "dev", name, "clsact");
            attachment.HasQdisc = attachment.OwnsQdisc = false;
        }
    }

    private string Compile(IngressDropRules rules, out int instructions)
    {
        var program = IngressFilterCompiler.Compile(rules);
        instructions = program.Length;
        if (program.Length > ClassicBpfInstruction.MaxInstructions)
        {
            if (!_tooLargeLogged && _logger.IsEnabled(LogLevel.Warning))
            {
                var (virtualCount, natCount) = Counts(rules);
                KernelIngressFilterLog.TooLarge(_logger, program.Length, virtualCount, natCount, ClassicBpfInstruction.MaxInstructions);
                _tooLargeLogged = true;
            }

            instructions = 0;
            return string.Empty;
        }

        _tooLargeLogged = false;
        return program.Length == 0 ? string.Empty : ClassicBpfInstruction.ToTcBytecode(program);
    }
}
