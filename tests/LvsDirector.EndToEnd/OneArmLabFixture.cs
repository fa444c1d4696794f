namespace LvsDirector.EndToEnd;

/// <summary>Client, director and real servers on one bridge in 198.18.0.0/24; lvsd on eth0 only.</summary>
public sealed class OneArmLabFixture : LabFixture
{
    public OneArmLabFixture()
        : base(oneArm: true)
    {
    }
}
