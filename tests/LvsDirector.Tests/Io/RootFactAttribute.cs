namespace LvsDirector.Tests.Io;

/// <summary>A fact that needs root and iproute2 (network namespaces, raw sockets); skipped otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root (network namespaces and AF_PACKET sockets)";
        }
        else if (NetworkNamespace.IpCommand is null)
        {
            Skip = "needs the ip command (iproute2)";
        }
    }
}
