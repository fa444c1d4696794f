using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>NAT on a single interface: clients, director and real servers share one segment.</summary>
[Collection(OneArmLab.Name)]
public sealed class OneArmDirectorTests : DirectorTestBase
{
    public OneArmDirectorTests(OneArmLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    [Fact]
    public async Task OneArm_RoundRobin_ThirtyRequestsAnsweredByAllThreeInTurn()
    {
        await AddTcpServiceAsync("rr", 1, 1, 1);

        AssertRoundRobin(await GetNamesAsync(30));
    }
}
