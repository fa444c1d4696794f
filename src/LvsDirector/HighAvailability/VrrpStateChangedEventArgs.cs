namespace LvsDirector.HighAvailability;

/// <summary>A state change of a <see cref="VrrpInstance"/>, raised after the instance has entered <see cref="To"/>.</summary>
public sealed class VrrpStateChangedEventArgs(VrrpState from, VrrpState to, VrrpTransitionReason reason) : EventArgs
{
    public VrrpState From { get; } = from;

    public VrrpState To { get; } = to;

    public VrrpTransitionReason Reason { get; } = reason;
}
