namespace LvsDirector.Configuration;

/// <summary>Connection tracking sizes.</summary>
public sealed record ConnectionsConfiguration
{
    public const int DefaultTableSize = 1 << 20;
    public const int MinTableSize = 256;
    public const int MaxTableSize = 1 << 26;

    /// <summary>Connection entries preallocated per worker.</summary>
    public int TableSize { get; init; } = DefaultTableSize;
}
