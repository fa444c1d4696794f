namespace LvsDirector.Configuration;

/// <summary>One network interface lvsd captures on.</summary>
/// <param name="Name">Kernel interface name, e.g. "eth0".</param>
/// <param name="Role">Free-form operator label such as "external" or "internal"; lvsd does not interpret it yet.</param>
/// <param name="Comment">Free-form note, kept for display only.</param>
public sealed record InterfaceConfiguration(string Name, string? Role = null, string? Comment = null);
