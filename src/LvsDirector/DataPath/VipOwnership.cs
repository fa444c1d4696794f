namespace LvsDirector.DataPath;

/// <summary>
/// Whether this director currently owns its VIPs: answers ARP and Neighbor Solicitations for them and announces them.
/// Always true without VRRP; a VRRP backup releases them and takes them back when it becomes master. Written by the
/// control plane, read by the packet worker without a lock (one volatile read per ARP/ND frame and heartbeat).
/// </summary>
public sealed class VipOwnership
{
    private volatile bool _owned = true;
    private int _acquisitions;

    public bool IsOwned => _owned;

    /// <summary>Bumped by every <see cref="Acquire"/>; a worker that sees it change announces every VIP again.</summary>
    public int Acquisitions => Volatile.Read(ref _acquisitions);

    /// <summary>Becoming master: answer for the VIPs again and send gratuitous ARP / unsolicited NA for all of them at once.</summary>
    public void Acquire()
    {
        _owned = true;
        Interlocked.Increment(ref _acquisitions);
    }

    /// <summary>Becoming backup (or starting as one): stay silent about the VIPs.</summary>
    public void Release() => _owned = false;
}
