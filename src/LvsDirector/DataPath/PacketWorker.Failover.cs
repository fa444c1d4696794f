namespace LvsDirector.DataPath;

/// <summary>VRRP failover: the VIPs are answered for and announced only while <see cref="VipOwnership"/> says so.</summary>
public sealed partial class PacketWorker
{
    private int _seenAcquisitions;

    /// <summary>Shared with the director (and through it the VRRP instance); set before the worker thread starts.</summary>
    internal VipOwnership Ownership { get; init; } = new();

    // From AnnounceVips (heartbeat): after becoming master, every VIP of every link is announced again (GratuitousRepeats times).
    private void AnnounceAfterAcquiring()
    {
        var acquisitions = Ownership.Acquisitions;
        if (acquisitions == _seenAcquisitions)
        {
            return;
        }

        _seenAcquisitions = acquisitions;
        for (var i = 0; i < _links.Length; i++)
        {
            foreach (var vip in _links[i].AnnouncedVips)
            {
                _announcements.Add((vip, i, GratuitousRepeats));
            }

            foreach (var vip in _links[i].AnnouncedVips6)
            {
                _announcements6.Add((vip, i, GratuitousRepeats));
            }
        }
    }
}
