namespace LvsDirector.Scheduling;

/// <summary>
/// One node's value in a <see cref="LoadTournament{TPolicy}"/>: the winner below it and its order key (stored in
/// two parallel arrays there; this is the value passed around while replaying).
/// </summary>
internal struct TournamentNode
{
    /// <summary>The winner's order key (lower is better), <see cref="LoadKey.None"/> when there is no candidate.</summary>
    public long Key;

    /// <summary>The winner's position in the list, -1 when no candidate is below this node.</summary>
    public int Index;
}
