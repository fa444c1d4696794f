namespace LvsDirector.Scheduling;

/// <summary>
/// A destination's counters and overload flag as last published to a <see cref="LoadChangeTracker"/>. Kept in a
/// dense array so a block rescan reads a few cache lines instead of chasing one object per destination.
/// </summary>
internal struct LoadSample
{
    public int Active;
    public int Inactive;
    public int Overloaded;
}
