namespace LvsDirector.Io;

/// <summary>What happened to one offload feature: off afterwards or not, and why not.</summary>
/// <param name="Feature">ethtool's short name: "gro", "lro", "tso" or "gso".</param>
/// <param name="IsOff">True when the feature is off after the call (including "was never on" and "not supported").</param>
/// <param name="Error">Why switching it off failed; null when it succeeded or there was nothing to do.</param>
public readonly record struct OffloadResult(string Feature, bool IsOff, string? Error);
