namespace LvsDirector.Io;

/// <summary>What lvsd knows of its tc ingress filter on one interface.</summary>
internal sealed class IngressFilterAttachment(string interfaceName)
{
    public string Interface { get; } = interfaceName;

    /// <summary>False once tc or the kernel refused the qdisc or the filter here: the interface is left alone from then on.</summary>
    public bool Usable { get; set; } = true;

    /// <summary>An ingress-capable qdisc (clsact or ingress) is on the interface.</summary>
    public bool HasQdisc { get; set; }

    /// <summary>lvsd added the clsact qdisc (now or, found holding only lvsd's filter, in an earlier run): removed at stop when empty.</summary>
    public bool OwnsQdisc { get; set; }

    /// <summary>A filter is at lvsd's preference: this run's, or one an earlier lvsd left behind.</summary>
    public bool Installed { get; set; }
}
