namespace LvsDirector.Control;

/// <summary>
/// Who may use the control socket: root, the daemon's own user, and members of the socket group (primary gid
/// of the connecting process or of the user, or the user listed in the group). The same people the 0660 file
/// mode admits, checked again on the connection so a looser mode or a passed descriptor grants nothing more.
/// </summary>
public sealed class ControlAccessPolicy
{
    private readonly UnixAccounts _accounts;

    public ControlAccessPolicy(uint daemonUserId, UnixGroup? group, UnixAccounts accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        DaemonUserId = daemonUserId;
        Group = group;
        _accounts = accounts;
    }

    public uint DaemonUserId { get; }

    public UnixGroup? Group { get; }

    public bool IsAllowed(PeerCredentials peer)
    {
        if (peer.UserId == 0 || peer.UserId == DaemonUserId)
        {
            return true;
        }

        if (Group is not { } group)
        {
            return false;
        }

        if (peer.GroupId == group.Id)
        {
            return true;
        }

        if (!_accounts.TryFindUser(peer.UserId, out var name, out var primaryGroupId))
        {
            return false;
        }

        if (primaryGroupId == group.Id)
        {
            return true;
        }

        // Re-read so a user added to the group since start-up (or removed) is judged by today's file.
        var current = _accounts.FindGroup(group.Id) ?? group;
        return current.Members.Contains(name, StringComparer.Ordinal);
    }
}
