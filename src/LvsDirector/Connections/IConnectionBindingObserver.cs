namespace LvsDirector.Connections;

/// <summary>
/// Implemented by destinations that care when an entry is bound to or unbound from them (IPVS ip_vs_bind_dest /
/// ip_vs_unbind_dest): persistent-connection counting and connection thresholds. Called by the owning worker after
/// the destination's active/inactive counters were updated.
/// </summary>
public interface IConnectionBindingObserver
{
    /// <param name="isTemplate">True for a persistence template, false for a connection.</param>
    void OnBound(bool isTemplate);

    /// <param name="isTemplate">True for a persistence template, false for a connection.</param>
    void OnUnbound(bool isTemplate);
}
