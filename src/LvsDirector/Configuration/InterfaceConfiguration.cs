namespace LvsDirector.Configuration;

/// <summary>One network interface lvsd captures on.</summary>
/// <param name="Name">Kernel interface name, e.g. "eth0".</param>
/// <param name="Role">Free-form operator label such as "external" or "internal"; lvsd does not interpret it yet.</param>
/// <param name="Comment">Free-form note, kept for display only.</param>
public sealed record InterfaceConfiguration(string Name, string? Role = null, string? Comment = null)
{
    /// <summary>
    /// The interface's own addresses with their on-link prefixes (config key <c>addresses</c>), IPv4 and IPv6 in file
    /// order; empty when the file gives none, in which case the data path asks the kernel.
    /// </summary>
    public IReadOnlyList<InterfaceAddress> Addresses { get; init; } = [];

    // Compared by content, so a reload that lists the same addresses is no change.
    public bool Equals(InterfaceConfiguration? other) =>
        other is not null
        && string.Equals(Name, other.Name, StringComparison.Ordinal)
        && string.Equals(Role, other.Role, StringComparison.Ordinal)
        && string.Equals(Comment, other.Comment, StringComparison.Ordinal)
        && Addresses.SequenceEqual(other.Addresses);

    public override int GetHashCode() => HashCode.Combine(Name, Role, Comment, Addresses.Count);
}
