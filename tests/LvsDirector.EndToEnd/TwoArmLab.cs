namespace LvsDirector.EndToEnd;

/// <summary>Tests sharing the two-arm lab; xunit runs the tests of one collection one after another.</summary>
[CollectionDefinition(Name)]
public sealed class TwoArmLab : ICollectionFixture<TwoArmLabFixture>
{
    public const string Name = "two-arm lab";
}
