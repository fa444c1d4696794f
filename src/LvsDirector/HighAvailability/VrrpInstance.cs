using LvsDirector.Packets;
using Microsoft.Extensions.Logging;

namespace LvsDirector.HighAvailability;

/// <summary>
/// One VRRP virtual router (RFC 5798 6.4, and RFC 3768 6.4 for v2): Initialize, Backup and Master with the advert
/// timer, the Master_Down timer, preemption and the priority 0 hand-over on shutdown. Everything runs on the
/// <see cref="TimeProvider"/> given, so tests drive it on virtual time. Received packets and timer callbacks may come
/// from different threads; one lock serialises them (a few events a second, never a packet-path lock).
/// </summary>
public sealed class VrrpInstance : IDisposable
{
    private readonly VrrpInstanceSettings _settings;
    private readonly IVrrpTransport _transport;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private readonly HashSet<uint> _ourAddresses;
    private readonly HashSet<uint> _mismatchLogged = [];

    private VrrpState _state = VrrpState.Initialize;
    private TimerKind _timerKind;
    private long _deadline;
    private ushort _masterIntervalCentiseconds;
    private uint _masterAddress;
    private long _lowerMasterSince = -1;
    private bool _disposed;

    public VrrpInstance(VrrpInstanceSettings settings, IVrrpTransport transport, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        if (settings.VirtualRouterId == 0 || settings.Priority == 0)
        {
            throw new ArgumentException("The virtual router id and the priority must be 1 to 255.", nameof(settings));
        }

        if (settings.VirtualAddresses.Count is 0 or > VrrpPacket.MaxAddresses)
        {
            throw new ArgumentException("A virtual router needs 1 to 255 IPv4 addresses.", nameof(settings));
        }

        _settings = settings;
        _transport = transport;
        _time = timeProvider;
        _logger = logger;
        _ourAddresses = [.. settings.VirtualAddresses];
        _masterIntervalCentiseconds = settings.IntervalCentiseconds;
        _timer = timeProvider.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Raised (on the thread that caused it, under the instance lock) after every state change.</summary>
    public event EventHandler<VrrpStateChangedEventArgs>? StateChanged;

    private enum TimerKind
    {
        None,
        Advertisement,
        MasterDown,
    }

    public VrrpInstanceSettings Settings => _settings;

    public VrrpCounters Counters { get; } = new();

    public VrrpState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>The primary address of the current master as last seen (our own while master, 0 when unknown).</summary>
    public uint MasterAddress
    {
        get
        {
            lock (_lock)
            {
                return _masterAddress;
            }
        }
    }

    /// <summary>Master_Down_Interval for the master interval currently learned (RFC 5798 6.1; RFC 3768 6.1 for v2).</summary>
    public TimeSpan MasterDownInterval
    {
        get
        {
            lock (_lock)
            {
                return Interval(_masterIntervalCentiseconds) * 3 + SkewTime;
            }
        }
    }

    /// <summary>Skew_Time: v3 ((256 - Priority) * Master_Adver_Interval) / 256; v2 (256 - Priority) / 256 seconds.</summary>
    public TimeSpan SkewTime
    {
        get
        {
            lock (_lock)
            {
                var basis = _settings.Version == VrrpVersion.V2 ? TimeSpan.FromSeconds(1) : Interval(_masterIntervalCentiseconds);
                return TimeSpan.FromTicks(basis.Ticks * (256 - _settings.Priority) / 256);
            }
        }
    }

    /// <summary>Startup event of RFC 5798 6.4.1: master at once as address owner (priority 255), else backup.</summary>
    public void Start()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state != VrrpState.Initialize)
            {
                return;
            }

            LogStarting();
            if (_settings.Priority == 255)
            {
                SendAdvertisement(_settings.Priority);
                BecomeMaster(VrrpTransitionReason.AddressOwner);
            }
            else
            {
                _masterIntervalCentiseconds = _settings.IntervalCentiseconds;
                _masterAddress = 0;
                Arm(TimerKind.MasterDown, MasterDownInterval);
                Transition(VrrpState.Backup, VrrpTransitionReason.Startup);
            }
        }
    }

    /// <summary>Shutdown event: a master sends a priority 0 advert so the backup takes over after Skew_Time; then Initialize.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            if (_state == VrrpState.Initialize)
            {
                return;
            }

            Arm(TimerKind.None, Timeout.InfiniteTimeSpan);
            if (_state == VrrpState.Master)
            {
                if (SendAdvertisement(0))
                {
                    Counters.PriorityZeroSent++;
                    VrrpLog.ResignedMastership(_logger, _settings.VirtualRouterId, _settings.Interface);
                }
            }

            _masterAddress = 0;
            Transition(VrrpState.Initialize, VrrpTransitionReason.Shutdown);
        }
    }

    /// <summary>A received IPv4 packet (IP header included, as a raw socket delivers it); bad ones are counted and dropped.</summary>
    public void Receive(ReadOnlySpan<byte> packet)
    {
        var result = VrrpPacket.TryReadIpv4(packet, out var advertisement);
        if (result != VrrpParseResult.Ok)
        {
            lock (_lock)
            {
                CountBad(result);
            }

            if (_logger.IsEnabled(LogLevel.Debug))
            {
                var source = packet.Length >= 20 ? Ipv4Address.Format(Ipv4Header.Source(packet)) : "?";
                var problem = Describe(result);
                VrrpLog.Dropped(_logger, _settings.VirtualRouterId, _settings.Interface, source, problem);
            }

            return;
        }

        OnAdvertisement(advertisement);
    }

    /// <summary>A well-formed advert (TTL, length and checksum already checked); the RFC 6.4.2/6.4.3 receive rules.</summary>
    public void OnAdvertisement(in VrrpAdvertisement advertisement)
    {
        lock (_lock)
        {
            if (_disposed || _state == VrrpState.Initialize || advertisement.Source == _settings.PrimaryAddress)
            {
                return;
            }

            if (advertisement.VirtualRouterId != _settings.VirtualRouterId)
            {
                Counters.OtherRouterId++;
                return;
            }

            if (advertisement.Version != _settings.Version)
            {
                Counters.BadVersion++;
                LogDropped(advertisement.Source, $"VRRP version {(int)advertisement.Version}, this router speaks version {(int)_settings.Version}");
                return;
            }

            // RFC 3768 7.1: a v2 advert with another interval is discarded; v3 backups learn the master's instead.
            if (_settings.Version == VrrpVersion.V2 && advertisement.IntervalCentiseconds != _settings.IntervalCentiseconds)
            {
                Counters.IntervalMismatch++;
                LogDropped(advertisement.Source, $"advert interval {advertisement.IntervalCentiseconds / 100} s, this router uses {_settings.IntervalCentiseconds / 100} s");
                return;
            }

            Counters.AdvertisementsReceived++;
            CheckAddresses(advertisement);
            if (advertisement.Priority == 0)
            {
                Counters.PriorityZeroReceived++;
            }

            if (_state == VrrpState.Backup)
            {
                OnAdvertisementAsBackup(advertisement);
            }
            else
            {
                OnAdvertisementAsMaster(advertisement);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timerKind = TimerKind.None;
        }

        _timer.Dispose();
    }

    private void OnAdvertisementAsBackup(in VrrpAdvertisement advertisement)
    {
        if (advertisement.Priority == 0)
        {
            // The master resigned: take over after Skew_Time, so the highest-priority backup wins the race.
            Arm(TimerKind.MasterDown, SkewTime);
            return;
        }

        var lower = advertisement.Priority < _settings.Priority;
        if (lower && _settings.Preempt && !WithinPreemptDelay())
        {
            // Preempting: ignore the weaker master and let the Master_Down timer run out.
            return;
        }

        if (!lower)
        {
            _lowerMasterSince = -1;
        }

        if (_settings.Version == VrrpVersion.V3)
        {
            _masterIntervalCentiseconds = Math.Max((ushort)1, advertisement.IntervalCentiseconds);
        }

        _masterAddress = advertisement.Source;
        Arm(TimerKind.MasterDown, MasterDownInterval);
    }

    private void OnAdvertisementAsMaster(in VrrpAdvertisement advertisement)
    {
        if (advertisement.Priority == 0)
        {
            // Another router resigned; answer at once so its backups see a master and do not take over.
            SendAdvertisement(_settings.Priority);
            Arm(TimerKind.Advertisement, Interval(_settings.IntervalCentiseconds));
            return;
        }

        var higher = advertisement.Priority > _settings.Priority
            || (advertisement.Priority == _settings.Priority && advertisement.Source > _settings.PrimaryAddress);
        if (!higher)
        {
            return;
        }

        if (_settings.Version == VrrpVersion.V3)
        {
            _masterIntervalCentiseconds = Math.Max((ushort)1, advertisement.IntervalCentiseconds);
        }

        _masterAddress = advertisement.Source;
        _lowerMasterSince = -1;
        Arm(TimerKind.MasterDown, MasterDownInterval);
        Transition(VrrpState.Backup, VrrpTransitionReason.PreemptedByPeer);
    }

    private bool WithinPreemptDelay()
    {
        if (_settings.PreemptDelay <= TimeSpan.Zero)
        {
            return false;
        }

        var now = _time.GetTimestamp();
        if (_lowerMasterSince < 0)
        {
            _lowerMasterSince = now;
        }

        return _time.GetElapsedTime(_lowerMasterSince, now) < _settings.PreemptDelay;
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            if (_disposed || _timerKind == TimerKind.None)
            {
                return;
            }

            // A timer re-armed while its old callback was queued fires once too early; wait for the real deadline.
            var remaining = _time.GetElapsedTime(_time.GetTimestamp(), _deadline);
            if (remaining > TimeSpan.Zero)
            {
                _timer.Change(remaining, Timeout.InfiniteTimeSpan);
                return;
            }

            if (_timerKind == TimerKind.Advertisement)
            {
                SendAdvertisement(_settings.Priority);
                Arm(TimerKind.Advertisement, Interval(_settings.IntervalCentiseconds));
                return;
            }

            SendAdvertisement(_settings.Priority);
            BecomeMaster(VrrpTransitionReason.MasterDownTimerExpired);
        }
    }

    private void BecomeMaster(VrrpTransitionReason reason)
    {
        _masterAddress = _settings.PrimaryAddress;
        _lowerMasterSince = -1;
        Counters.BecameMaster++;
        Arm(TimerKind.Advertisement, Interval(_settings.IntervalCentiseconds));
        Transition(VrrpState.Master, reason);
    }

    private bool SendAdvertisement(byte priority)
    {
        var advertisement = new VrrpAdvertisement(
            _settings.Version, _settings.VirtualRouterId, priority, _settings.IntervalCentiseconds, _settings.PrimaryAddress, _settings.VirtualAddresses);
        if (_transport.Send(advertisement))
        {
            Counters.AdvertisementsSent++;
            return true;
        }

        Counters.SendFailures++;
        var failures = Counters.SendFailures;

        // The first failure and then one in a hundred: a dead link must not flood the journal once a second.
        if (failures == 1 || failures % 100 == 0)
        {
            VrrpLog.SendFailed(_logger, _settings.VirtualRouterId, _settings.Interface, failures);
        }

        return false;
    }

    private void Arm(TimerKind kind, TimeSpan due)
    {
        _timerKind = kind;
        if (kind == TimerKind.None)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        _deadline = _time.GetTimestamp() + (long)(due.Ticks * (double)_time.TimestampFrequency / TimeSpan.TicksPerSecond);
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void Transition(VrrpState to, VrrpTransitionReason reason)
    {
        var from = _state;
        _state = to;
        if (from == to)
        {
            return;
        }

        var fromName = Name(from);
        var toName = Name(to);
        var why = Describe(reason);
        VrrpLog.StateChanged(_logger, _settings.VirtualRouterId, _settings.Interface, fromName, toName, why);
        try
        {
            StateChanged?.Invoke(this, new VrrpStateChangedEventArgs(from, to, reason));
        }
#pragma warning disable CA1031 // A failing observer must not stop the protocol (an exception here would end a timer thread or the receive loop).
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            VrrpLog.ObserverFailed(_logger, _settings.VirtualRouterId, _settings.Interface, ex);
        }
    }

    private void CheckAddresses(in VrrpAdvertisement advertisement)
    {
        var addresses = advertisement.Addresses;
        var same = addresses.Count == _ourAddresses.Count && addresses.All(_ourAddresses.Contains);
        if (same)
        {
            return;
        }

        // RFC 5798 7.1: a mismatch is logged, not fatal; once per peer, not once per second.
        Counters.AddressMismatch++;
        if (_mismatchLogged.Add(advertisement.Source))
        {
            var source = Ipv4Address.Format(advertisement.Source);
            var theirs = string.Join(' ', addresses.Select(Ipv4Address.Format));
            var ours = string.Join(' ', _settings.VirtualAddresses.Select(Ipv4Address.Format));
            VrrpLog.AddressMismatch(_logger, _settings.VirtualRouterId, _settings.Interface, source, theirs, ours);
        }
    }

    private void CountBad(VrrpParseResult result)
    {
        switch (result)
        {
            case VrrpParseResult.BadTtl: Counters.BadTtl++; break;
            case VrrpParseResult.BadVersion: Counters.BadVersion++; break;
            case VrrpParseResult.BadChecksum: Counters.BadChecksum++; break;
            case VrrpParseResult.BadAuthentication: Counters.BadAuthentication++; break;
            default: Counters.BadLength++; break;
        }
    }

    private void LogDropped(uint source, string problem)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var from = Ipv4Address.Format(source);
            VrrpLog.Dropped(_logger, _settings.VirtualRouterId, _settings.Interface, from, problem);
        }
    }

    private void LogStarting()
    {
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var primary = Ipv4Address.Format(_settings.PrimaryAddress);
        var destination = _settings.UnicastPeers.Count == 0
            ? "multicast 224.0.0.18"
            : "unicast to " + string.Join(' ', _settings.UnicastPeers.Select(Ipv4Address.Format));
        var preempt = _settings.Preempt ? $"preempt (delay {(long)_settings.PreemptDelay.TotalMilliseconds} ms)" : "no preempt";
        var details = FormattableString.Invariant(
            $"version {(int)_settings.Version}, priority {_settings.Priority}, advert interval {_settings.IntervalCentiseconds * 10L} ms, {preempt}, primary {primary}, {destination}");
        VrrpLog.Starting(_logger, _settings.VirtualRouterId, _settings.Interface, details);
    }

    private static TimeSpan Interval(ushort centiseconds) => TimeSpan.FromMilliseconds(centiseconds * 10L);

    /// <summary>The state as keepalived and operators write it: INIT, BACKUP, MASTER.</summary>
    public static string Name(VrrpState state) => state switch
    {
        VrrpState.Master => "MASTER",
        VrrpState.Backup => "BACKUP",
        _ => "INIT",
    };

    public static string Describe(VrrpTransitionReason reason) => reason switch
    {
        VrrpTransitionReason.Startup => "startup",
        VrrpTransitionReason.AddressOwner => "priority 255, address owner",
        VrrpTransitionReason.MasterDownTimerExpired => "master down timer expired",
        VrrpTransitionReason.PreemptedByPeer => "higher priority advertisement received",
        _ => "shutdown",
    };

    private static string Describe(VrrpParseResult result) => result switch
    {
        VrrpParseResult.BadTtl => "TTL is not 255",
        VrrpParseResult.BadVersion => "not a VRRP v2/v3 advertisement",
        VrrpParseResult.BadChecksum => "bad checksum",
        VrrpParseResult.BadAuthentication => "authentication type is not 0",
        VrrpParseResult.NotVrrp => "not a VRRP packet",
        _ => "bad length",
    };
}
