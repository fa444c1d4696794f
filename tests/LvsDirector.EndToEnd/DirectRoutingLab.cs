namespace LvsDirector.EndToEnd;

/// <summary>Tests sharing the direct-routing lab.</summary>
[CollectionDefinition(Name)]
public sealed class DirectRoutingLab : ICollectionFixture<DirectRoutingLabFixture>
{
    public const string Name = "direct-routing lab";
}
