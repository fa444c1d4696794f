using System.Globalization;

namespace LvsDirector.Control;

/// <summary>
/// Reads the local account files (/etc/group, /etc/passwd) the way getgrnam/getpwuid do for the "files" NSS
/// source. Groups served only by LDAP/SSSD are not seen; the control socket group is expected to be local.
/// Files are read on every call so membership changes apply without a restart.
/// </summary>
public sealed class UnixAccounts
{
    public UnixAccounts(string groupFile = "/etc/group", string passwdFile = "/etc/passwd")
    {
        GroupFile = groupFile;
        PasswdFile = passwdFile;
    }

    public string GroupFile { get; }

    public string PasswdFile { get; }

    /// <summary>Finds a group by name, or by number when <paramref name="nameOrId"/> is all digits.</summary>
    public UnixGroup? FindGroup(string nameOrId)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrId);
        var byId = uint.TryParse(nameOrId, NumberStyles.None, CultureInfo.InvariantCulture, out var id);
        foreach (var group in ReadGroups())
        {
            if (string.Equals(group.Name, nameOrId, StringComparison.Ordinal))
            {
                return group;
            }
        }

        // A numeric gid without a group line is still a valid owner for chown.
        return byId ? FindGroup(id) ?? new UnixGroup(nameOrId, id, []) : null;
    }

    public UnixGroup? FindGroup(uint id)
    {
        foreach (var group in ReadGroups())
        {
            if (group.Id == id)
            {
                return group;
            }
        }

        return null;
    }

    /// <summary>The login name and primary gid of <paramref name="userId"/>, from /etc/passwd.</summary>
    public bool TryFindUser(uint userId, out string name, out uint primaryGroupId)
    {
        foreach (var line in ReadLines(PasswdFile))
        {
            // name:password:uid:gid:gecos:home:shell
            var fields = line.Split(':');
            if (fields.Length >= 4
                && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
                && uid == userId
                && uint.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                name = fields[0];
                primaryGroupId = gid;
                return true;
            }
        }

        name = string.Empty;
        primaryGroupId = 0;
        return false;
    }

    /// <summary>The effective uid of this process, from /proc/self/status ("Uid: real effective saved fs").</summary>
    public static uint CurrentEffectiveUserId()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                var fields = line[4..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                return uint.Parse(fields.Length > 1 ? fields[1] : fields[0], NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("/proc/self/status has no Uid line.");
    }

    private IEnumerable<UnixGroup> ReadGroups()
    {
        foreach (var line in ReadLines(GroupFile))
        {
            // name:password:gid:member,member
            var fields = line.Split(':');
            if (fields.Length >= 3 && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                var members = fields.Length >= 4
                    ? fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    : [];
                yield return new UnixGroup(fields[0], gid, members);
            }
        }
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        if (!File.Exists(path))
        {
            yield break;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.Length > 0 && line[0] != '#')
            {
                yield return line;
            }
        }
    }
}
