namespace LvsDirector.Scheduling;

/// <summary>
/// One node of a <see cref="LoadTournament{TPolicy}"/>: the winner below it, carried with its load so a match
/// reads the two children (adjacent, one cache line) and nothing else.
/// </summary>
internal struct TournamentNode
{
    /// <summary>The winner's order key (lower is better), <see cref="LoadKey.None"/> when there is no candidate.</summary>
    public long Key;

    /// <summary>The winner's position in the list, -1 when no candidate is below this node.</summary>
    public int Index;
}
