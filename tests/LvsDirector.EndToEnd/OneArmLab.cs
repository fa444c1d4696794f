namespace LvsDirector.EndToEnd;

/// <summary>Tests sharing the one-arm lab.</summary>
[CollectionDefinition(Name)]
public sealed class OneArmLab : ICollectionFixture<OneArmLabFixture>
{
    public const string Name = "one-arm lab";
}
