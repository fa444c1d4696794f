namespace LvsDirector.EndToEnd;

/// <summary>Client net 198.18.0.0/24 and server net 198.19.0.0/24; lvsd on eth0 and eth1.</summary>
public sealed class TwoArmLabFixture : LabFixture
{
    public TwoArmLabFixture()
        : base(oneArm: false)
    {
    }
}
