namespace LvsDirector.Control;

/// <summary>One line of /etc/group: name, gid and the users listed as members.</summary>
public sealed record UnixGroup(string Name, uint Id, IReadOnlyList<string> Members);
