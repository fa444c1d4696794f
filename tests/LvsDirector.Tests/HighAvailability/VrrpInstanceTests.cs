using LvsDirector.HighAvailability;
using LvsDirector.Tests.Statistics;

namespace LvsDirector.Tests.HighAvailability;

public sealed class VrrpInstanceTests : IDisposable
{
    private const uint Us = 0xC612_0001;      // 198.18.0.1
    private const uint Higher = 0xC612_0009;  // 198.18.0.9, above us
    private const uint Lower = 0xC612_0000;     // 198.18.0.0, below us
    private const uint Vip = 0xC612_0064;

    private readonly ManualTimeProvider _time = new();
    private readonly RecordingTransport _transport;
    private readonly RecordingLogger _logger = new();
    private readonly List<VrrpStateChangedEventArgs> _changes = [];
    private VrrpInstance? _instance;

    public VrrpInstanceTests() => _transport = new RecordingTransport(_time);

    public void Dispose() => _instance?.Dispose();

    [Fact]
    public void Master_down_interval_and_skew_follow_rfc_5798()
    {
        var vr = Create(priority: 100);
        Assert.Equal(TimeSpan.FromMilliseconds(609.375), vr.SkewTime);
        Assert.Equal(TimeSpan.FromMilliseconds(3609.375), vr.MasterDownInterval);

        var fast = Create(priority: 254, interval: TimeSpan.FromMilliseconds(50));
        Assert.Equal(TimeSpan.FromTicks(TimeSpan.FromMilliseconds(50).Ticks * 2 / 256), fast.SkewTime);
    }

    [Fact]
    public void V2_skew_is_in_seconds_whatever_the_interval()
    {
        var vr = Create(priority: 100, interval: TimeSpan.FromSeconds(3), version: VrrpVersion.V2);
        Assert.Equal(TimeSpan.FromMilliseconds(609.375), vr.SkewTime);
        Assert.Equal(TimeSpan.FromSeconds(9) + TimeSpan.FromMilliseconds(609.375), vr.MasterDownInterval);
    }

    [Fact]
    public void Starts_as_backup_and_takes_over_when_the_master_down_timer_expires()
    {
        var vr = Create(priority: 100);
        vr.Start();
        Assert.Equal(VrrpState.Backup, vr.State);
        Assert.Empty(_transport.Sent);
        Assert.Contains(_logger.Lines, l => l.EventId == 3103
            && l.Message == "VRRP instance VR 51 on eth0 starting: version 3, priority 100, advert interval 1000 ms, preempt (delay 0 ms), primary 198.18.0.1, multicast 224.0.0.18");

        _time.Advance(TimeSpan.FromMilliseconds(3600));
        Assert.Equal(VrrpState.Backup, vr.State);
        _time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(VrrpState.Master, vr.State);
        Assert.Equal(Us, vr.MasterAddress);

        var first = Assert.Single(_transport.Sent);
        Assert.Equal(100, first.Advert.Priority);
        Assert.Equal(51, first.Advert.VirtualRouterId);
        Assert.Equal([Vip], first.Advert.Addresses);
        Assert.Equal(
            [(VrrpState.Initialize, VrrpState.Backup, VrrpTransitionReason.Startup), (VrrpState.Backup, VrrpState.Master, VrrpTransitionReason.MasterDownTimerExpired)],
            _changes.Select(c => (c.From, c.To, c.Reason)));
        Assert.Contains(_logger.Lines, l => l.EventId == 3100 && l.Message == "VRRP instance VR 51 on eth0: BACKUP -> MASTER (master down timer expired)");

        // A master advertises every interval.
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(6, _transport.Sent.Count);
        Assert.Equal(TimeSpan.FromSeconds(1), _transport.Sent[1].At - _transport.Sent[0].At);
    }

    [Fact]
    public void Backup_stays_backup_while_a_higher_priority_master_advertises()
    {
        var vr = Create(priority: 100);
        vr.Start();
        for (var i = 0; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            vr.Receive(Packet(150, Higher));
        }

        Assert.Equal(VrrpState.Backup, vr.State);
        Assert.Equal(Higher, vr.MasterAddress);
        Assert.Empty(_transport.Sent);
        Assert.Equal(20, vr.Counters.AdvertisementsReceivedCount);

        // The master goes silent: Master_Down_Interval later this router takes over.
        _time.Advance(TimeSpan.FromMilliseconds(3600));
        Assert.Equal(VrrpState.Backup, vr.State);
        _time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(VrrpState.Master, vr.State);
    }

    [Fact]
    public void Master_yields_to_a_higher_priority_advert()
    {
        var vr = StartedMaster(priority: 100);
        vr.Receive(Packet(50, Lower));
        Assert.Equal(VrrpState.Master, vr.State);

        vr.OnAdvertisement(Advert(150, Higher));
        Assert.Equal(VrrpState.Backup, vr.State);
        Assert.Equal(VrrpTransitionReason.PreemptedByPeer, _changes[^1].Reason);
        var sent = _transport.Sent.Count;
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(sent, _transport.Sent.Count);
    }

    [Fact]
    public void Master_ignores_lower_priority_adverts()
    {
        var vr = StartedMaster(priority: 200);
        vr.OnAdvertisement(Advert(100, Higher));
        Assert.Equal(VrrpState.Master, vr.State);
    }

    [Fact]
    public void Preempting_backup_takes_over_from_a_lower_priority_master()
    {
        var vr = Create(priority: 200, preempt: true);
        vr.Start();
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            vr.OnAdvertisement(Advert(100, Higher));
        }

        // Adverts kept coming, but from a weaker master: ignored, so 3 s + skew after start we are master.
        Assert.Equal(VrrpState.Master, vr.State);
        Assert.Equal(200, _transport.Sent[0].Advert.Priority);
    }

    [Fact]
    public void Without_preemption_a_lower_priority_master_keeps_the_vips()
    {
        var vr = Create(priority: 200, preempt: false);
        vr.Start();
        for (var i = 0; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            vr.OnAdvertisement(Advert(100, Higher));
        }

        Assert.Equal(VrrpState.Backup, vr.State);
        Assert.Empty(_transport.Sent);
    }

    [Fact]
    public void Preempt_delay_defers_preemption()
    {
        var vr = Create(priority: 200, preempt: true, preemptDelay: TimeSpan.FromSeconds(10));
        vr.Start();
        var tookOver = TimeSpan.Zero;
        for (var i = 1; i <= 30 && vr.State == VrrpState.Backup; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            vr.OnAdvertisement(Advert(100, Higher));
            tookOver = TimeSpan.FromSeconds(i);
        }

        Assert.Equal(VrrpState.Master, vr.State);

        // The first weak advert at 1 s starts the delay; adverts are accepted until 11 s, then Master_Down_Interval.
        Assert.InRange(tookOver, TimeSpan.FromSeconds(14), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void Priority_zero_advert_lets_the_backup_take_over_after_skew_time()
    {
        var vr = Create(priority: 100);
        vr.Start();
        _time.Advance(TimeSpan.FromSeconds(1));
        vr.OnAdvertisement(Advert(150, Higher));
        _time.Advance(TimeSpan.FromMilliseconds(200));
        vr.OnAdvertisement(Advert(0, Higher));

        _time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Equal(VrrpState.Backup, vr.State);
        _time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(VrrpState.Master, vr.State);
        Assert.Equal(1, vr.Counters.Snapshot().Single(c => c.Key == "priority_zero_received").Value);
    }

    [Fact]
    public void Stopping_a_master_sends_priority_zero()
    {
        var vr = StartedMaster(priority: 100);
        var before = _transport.Sent.Count;
        vr.Stop();

        Assert.Equal(VrrpState.Initialize, vr.State);
        Assert.Equal(before + 1, _transport.Sent.Count);
        Assert.Equal(0, _transport.Sent[^1].Advert.Priority);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(before + 1, _transport.Sent.Count);
        Assert.Contains(_logger.Lines, l => l.EventId == 3104);
    }

    [Fact]
    public void Stopping_a_backup_sends_nothing()
    {
        var vr = Create(priority: 100);
        vr.Start();
        vr.Stop();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(_transport.Sent);
        Assert.Equal(VrrpState.Initialize, vr.State);
    }

    [Fact]
    public void Equal_priority_ties_are_broken_by_the_higher_primary_address()
    {
        var vr = StartedMaster(priority: 100);
        vr.OnAdvertisement(Advert(100, 0xC612_0000));
        Assert.Equal(VrrpState.Master, vr.State);

        vr.OnAdvertisement(Advert(100, Higher));
        Assert.Equal(VrrpState.Backup, vr.State);
    }

    [Fact]
    public void Master_answers_a_priority_zero_advert_at_once()
    {
        var vr = StartedMaster(priority: 100);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        var before = _transport.Sent.Count;
        vr.OnAdvertisement(Advert(0, Higher));
        Assert.Equal(before + 1, _transport.Sent.Count);
        Assert.Equal(VrrpState.Master, vr.State);
    }

    [Fact]
    public void Address_owner_is_master_at_once()
    {
        var vr = Create(priority: 255);
        vr.Start();
        Assert.Equal(VrrpState.Master, vr.State);
        Assert.Single(_transport.Sent);
        Assert.Equal(VrrpTransitionReason.AddressOwner, _changes[^1].Reason);
    }

    [Fact]
    public void V3_backup_learns_the_masters_interval()
    {
        var vr = Create(priority: 100);
        vr.Start();
        vr.OnAdvertisement(Advert(150, Higher, interval: 300));
        Assert.Equal(TimeSpan.FromSeconds(9) + TimeSpan.FromTicks(TimeSpan.FromSeconds(3).Ticks * 156 / 256), vr.MasterDownInterval);
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(VrrpState.Backup, vr.State);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(VrrpState.Master, vr.State);
    }

    [Fact]
    public void Bad_adverts_are_counted_and_dropped()
    {
        var vr = Create(priority: 100);
        vr.Start();

        var ttl = Packet(150, Higher);
        ttl[8] = 64;
        vr.Receive(ttl);

        var checksum = Packet(150, Higher);
        checksum[^1] ^= 0xFF;
        vr.Receive(checksum);

        vr.Receive(Packet(150, Higher).AsSpan(0, 25));
        vr.Receive(Packet(150, Higher, routerId: 52));
        vr.Receive(Packet(150, Higher, version: VrrpVersion.V2));
        vr.Receive(Packet(150, Higher, vips: [Vip, Vip + 1]));

        var counters = vr.Counters.Snapshot().ToDictionary(c => c.Key, c => c.Value);
        Assert.Equal(1, counters["bad_ttl"]);
        Assert.Equal(1, counters["bad_checksum"]);
        Assert.Equal(1, counters["bad_length"]);
        Assert.Equal(1, counters["other_router_id"]);
        Assert.Equal(1, counters["bad_version"]);
        Assert.Equal(1, counters["address_mismatch"]);
        Assert.Equal(4, vr.Counters.Dropped);

        // Only the last one (a mismatched address list is logged, not fatal) counted as a master's advert.
        Assert.Equal(1, vr.Counters.AdvertisementsReceivedCount);
        Assert.Contains(_logger.Lines, l => l.EventId == 3102);
        _time.Advance(TimeSpan.FromMilliseconds(3500));
        Assert.Equal(VrrpState.Backup, vr.State);
    }

    [Fact]
    public void V2_adverts_with_another_interval_are_dropped()
    {
        var vr = Create(priority: 100, version: VrrpVersion.V2);
        vr.Start();
        vr.Receive(Packet(150, Higher, version: VrrpVersion.V2, interval: 200));
        Assert.Equal(1, vr.Counters.Snapshot().Single(c => c.Key == "interval_mismatch").Value);

        vr.Receive(Packet(150, Higher, version: VrrpVersion.V2));
        Assert.Equal(Higher, vr.MasterAddress);
    }

    [Fact]
    public void Own_adverts_are_ignored()
    {
        var vr = StartedMaster(priority: 100);
        vr.Receive(Packet(200, Us));
        Assert.Equal(VrrpState.Master, vr.State);
        Assert.Equal(0, vr.Counters.AdvertisementsReceivedCount);
    }

    [Fact]
    public void Send_failures_are_counted_and_logged_once()
    {
        _transport.Fail = true;
        var vr = StartedMaster(priority: 100);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(6, vr.Counters.Snapshot().Single(c => c.Key == "send_failures").Value);
        Assert.Single(_logger.Lines, l => l.EventId == 3105);
    }

    [Fact]
    public void A_throwing_observer_is_logged_and_the_protocol_goes_on()
    {
        var vr = Create(priority: 100);
        vr.StateChanged += (_, _) => throw new InvalidOperationException("observer bug");
        vr.Start();
        _time.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(VrrpState.Master, vr.State);
        Assert.Equal(3, _transport.Sent.Count);
        Assert.Equal(2, _logger.Lines.Count(l => l.EventId == 3108));
    }

    private VrrpInstance StartedMaster(byte priority)
    {
        var vr = Create(priority);
        vr.Start();
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(VrrpState.Master, vr.State);
        return vr;
    }

    private VrrpInstance Create(
        byte priority, TimeSpan? interval = null, VrrpVersion version = VrrpVersion.V3, bool preempt = true, TimeSpan? preemptDelay = null)
    {
        _instance?.Dispose();
        var settings = new VrrpInstanceSettings
        {
            Interface = "eth0",
            VirtualRouterId = 51,
            Priority = priority,
            AdvertisementInterval = interval ?? TimeSpan.FromSeconds(1),
            Preempt = preempt,
            PreemptDelay = preemptDelay ?? TimeSpan.Zero,
            Version = version,
            PrimaryAddress = Us,
            VirtualAddresses = [Vip],
        };
        _instance = new VrrpInstance(settings, _transport, _time, _logger);
        _instance.StateChanged += (_, e) => _changes.Add(e);
        return _instance;
    }

    private static VrrpAdvertisement Advert(byte priority, uint source, ushort interval = 100) =>
        new(VrrpVersion.V3, 51, priority, interval, source, [Vip]);

    private static byte[] Packet(
        byte priority, uint source, byte routerId = 51, VrrpVersion version = VrrpVersion.V3, ushort interval = 100, uint[]? vips = null)
    {
        var buffer = new byte[128];
        var advert = new VrrpAdvertisement(version, routerId, priority, interval, source, vips ?? [Vip]);
        var length = VrrpPacket.WriteIpv4(buffer, advert, source, VrrpPacket.MulticastGroup);
        return buffer[..length];
    }
}
