namespace LvsDirector.Tests.Io;

/// <summary>Why a test that needs root and iproute2 (network namespaces, raw sockets) cannot run here; null when it can.</summary>
internal static class RootRequirement
{
    public static string? SkipReason =>
        !Environment.IsPrivilegedProcess ? "needs root (network namespaces and AF_PACKET sockets)"
        : NetworkNamespace.IpCommand is null ? "needs the ip command (iproute2)"
        : null;
}
