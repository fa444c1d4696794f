namespace LvsDirector.Tests.Io;

/// <summary>A theory that needs root and iproute2 (network namespaces, raw sockets); skipped otherwise.</summary>
public sealed class RootTheoryAttribute : TheoryAttribute
{
    public RootTheoryAttribute() => Skip = RootRequirement.SkipReason;
}
