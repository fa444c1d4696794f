using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

/// <summary>
/// chown for the daemon host: .NET has no managed API for file ownership. Public because lvsd wires it into
/// the control server, and neither assembly sees this one's internals.
/// </summary>
public static class UnixFileOwnership
{
    private const uint Unchanged = uint.MaxValue;

    /// <summary>Sets the group of <paramref name="path"/> and keeps its owner (chown(path, -1, gid)).</summary>
    /// <exception cref="IOException">chown failed, e.g. EPERM when the process is neither root nor in the group.</exception>
    public static void ChangeGroup(string path, uint groupId)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Libc.Chown(path, Unchanged, groupId) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"chown {path} to gid {groupId} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);
        }
    }
}
