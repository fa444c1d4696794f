namespace LvsDirector.Io;

/// <summary>What happened to one offload feature: off afterwards or not, and why not.</summary>
/// <param name="Feature">
/// The kernel's feature name as ethtool -k lists it in detail ("rx-gro", "tx-tcp-segmentation", …); on kernels without
/// named features, the legacy group names "gro", "lro", "tso", "gso".
/// </param>
/// <param name="IsOff">True when the feature is off afterwards (including "was never on" and "not supported").</param>
/// <param name="Error">Why it is still on; null when it is off.</param>
public readonly record struct OffloadResult(string Feature, bool IsOff, string? Error);
