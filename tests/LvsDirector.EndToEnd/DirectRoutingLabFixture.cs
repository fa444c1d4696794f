namespace LvsDirector.EndToEnd;

/// <summary>Direct routing: client, director and real servers (VIP on lo via lvsagent setup) on one bridge; lvsd on eth0.</summary>
public sealed class DirectRoutingLabFixture : LabFixture
{
    public DirectRoutingLabFixture()
        : base("dr")
    {
    }
}
