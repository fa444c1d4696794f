namespace LvsDirector.Tests.Io;

/// <summary>A fact that needs root and iproute2 (network namespaces, raw sockets); skipped otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute() => Skip = RootRequirement.SkipReason;
}
