using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>NAT over IPv4 judged on the wire (the IPv4 twin of <see cref="Ipv6NatTests"/>' capture test).</summary>
[Collection(TwoArmLab.Name)]
public sealed class NatCaptureTests : ForwardingTestBase
{
    public NatCaptureTests(TwoArmLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    [Fact]
    public Task Nat_RealServersSeeTheClientTheClientSeesTheVipAndFramesAreClean() => AssertNatOnTheWireAsync(ipv6: false);
}
