using LvsDirector.Io;
using LvsDirector.Services;
using Microsoft.Extensions.Logging;

namespace LvsDirector.DataPath;

/// <summary>
/// Keeps <see cref="KernelIngressFilter"/> in step with the service table and the kernel's addresses while the
/// director runs. Start installs it, Dispose removes it. Changes are picked up by watching the snapshot version, as
/// packet workers notice new VIPs, so every way of changing the table (lvsadm, reload, health checks) is covered and a
/// burst of changes (a reload of many servers) costs one tc run, not one per change.
/// </summary>
public sealed class KernelBypass : IDisposable
{
    /// <summary>How often the snapshot version is compared; a new VIP is dropped by the filter at most this much later.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(250);

    // getifaddrs is cheap but not free; an address added by an operator is passed through at most this much later.
    private const int AddressCheckEvery = 4;

    private readonly Lock _gate = new();
    private readonly ServiceTable _services;
    private readonly ILogger _logger;
    private readonly Func<(IReadOnlyList<(uint, int)> V4, IReadOnlyList<(UInt128, int)> V6)> _kernelAddresses;
    private readonly KernelIngressFilter _filter;
    private readonly ITimer _timer;
    private long _version;
    private (uint, int)[] _addresses4;
    private (UInt128, int)[] _addresses6;
    private int _ticks;
    private bool _disposed;
    private bool _checkFailing;
    private bool _addressesKnown;

    /// <summary>Installs the filter now; <paramref name="kernelAddresses"/> and <paramref name="tc"/> are seams for tests.</summary>
    internal KernelBypass(
        IReadOnlyList<string> interfaces,
        ServiceTable services,
        ILogger logger,
        TimeProvider time,
        Func<(IReadOnlyList<(uint, int)> V4, IReadOnlyList<(UInt128, int)> V6)> kernelAddresses,
        TrafficControl? tc = null)
    {
        ArgumentNullException.ThrowIfNull(interfaces);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(kernelAddresses);
        _services = services;
        _logger = logger;
        _kernelAddresses = kernelAddresses;
        var snapshot = services.Current;
        _version = snapshot.Version;
        _addresses4 = [];
        _addresses6 = [];
        _addressesKnown = TryReadAddresses(out _);

        // Without the kernel's addresses nothing is dropped: a NAT rule would take the health checks' answers too.
        var rules = _addressesKnown ? IngressDropPlanner.Plan(snapshot, _addresses4, _addresses6) : IngressDropPlanner.Nothing;
        _filter = KernelIngressFilter.Install(interfaces, rules, logger, tc);
        _timer = time.CreateTimer(_ => Check(), null, CheckInterval, CheckInterval);
    }

    /// <summary>The tc bytecode in force, "" when none (for tests).</summary>
    internal string Bytecode => _filter.Bytecode;

    /// <summary>Installs the filter on <paramref name="interfaces"/> from the table as it is now and keeps it current.</summary>
    public static KernelBypass Start(IReadOnlyList<string> interfaces, ServiceTable services, ILoggerFactory loggerFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        return new KernelBypass(interfaces, services, loggerFactory.CreateLogger<KernelBypass>(), time, ReadKernelAddresses);
    }

    /// <summary>Brings the filter up to date now rather than at the next check (tests, and callers that just changed the table).</summary>
    public void Update() => Check(force: true);

    /// <summary>Stops watching and removes the filter.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer.Dispose();
            _filter.Remove();
        }
    }

    /// <summary>Reads the kernel's addresses into the fields; false (and one warning) when they cannot be read.</summary>
    private bool TryReadAddresses(out bool changed)
    {
        changed = false;
        IReadOnlyList<(uint, int)> v4;
        IReadOnlyList<(UInt128, int)> v6;
        try
        {
            (v4, v6) = _kernelAddresses();
        }
        catch (IOException e)
        {
            if (!_checkFailing)
            {
                KernelIngressFilterLog.CheckFailed(_logger, e);
                _checkFailing = true;
            }

            return false;
        }

        if (!v4.SequenceEqual(_addresses4) || !v6.SequenceEqual(_addresses6))
        {
            _addresses4 = [.. v4];
            _addresses6 = [.. v6];
            changed = true;
        }

        return true;
    }

    private static (IReadOnlyList<(uint, int)>, IReadOnlyList<(UInt128, int)>) ReadKernelAddresses() =>
        (InterfaceQueries.GetAllIpv4Addresses(), InterfaceQueries.GetAllIpv6Addresses());

    private void Check(bool force = false)
    {
        // A tick still running when the next one fires is simply skipped: the next one after it catches up.
        if (!_gate.TryEnter())
        {
            if (!force)
            {
                return;
            }

            _gate.Enter();
        }

        try
        {
            if (_disposed)
            {
                return;
            }

            var changed = force;
            var healthy = true;
            if (force || !_addressesKnown || ++_ticks % AddressCheckEvery == 0)
            {
                healthy = TryReadAddresses(out var addressesChanged);
                changed |= healthy && (addressesChanged || !_addressesKnown);
                _addressesKnown |= healthy;
            }

            var snapshot = _services.Current;
            if (snapshot.Version != _version)
            {
                _version = snapshot.Version;
                changed = true;
            }

            if (changed && _addressesKnown)
            {
                _filter.Update(IngressDropPlanner.Plan(snapshot, _addresses4, _addresses6));
            }

            _checkFailing &= !healthy;
        }
#pragma warning disable CA1031 // A timer callback must not take the process down: the filter is an optimisation.
        catch (Exception e)
#pragma warning restore CA1031
        {
            // getifaddrs or tc failing in an unexpected way: the filter in force stays, the next tick tries again.
            if (!_checkFailing)
            {
                KernelIngressFilterLog.CheckFailed(_logger, e);
                _checkFailing = true;
            }
        }
        finally
        {
            _gate.Exit();
        }
    }
}
