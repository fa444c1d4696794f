namespace LvsDirector.DataPath;

/// <summary>Outcome of <see cref="FragmentTracker{TKey}.Hold"/>.</summary>
internal enum FragmentHoldResult
{
    Held,

    /// <summary>Every hold slot is taken by a fragment that has not expired yet.</summary>
    Full,

    /// <summary>The frame is larger than a hold slot.</summary>
    TooLarge,
}
