namespace LvsDirector.EndToEnd;

/// <summary>Tests sharing the tunnelling lab.</summary>
[CollectionDefinition(Name)]
public sealed class TunnelLab : ICollectionFixture<TunnelLabFixture>
{
    public const string Name = "tunnel lab";
}
