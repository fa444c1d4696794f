using LvsDirector.Admin;
using LvsDirector.Control;

namespace LvsDirector.Tests.Admin;

public sealed class HealthListingFormatterTests
{
    private static readonly ControlServiceKey Web = new(ControlProtocol.Tcp, "198.18.0.10", 80);

    private readonly IpvsadmFormatter _formatter = new(new FakeNameService());

    private static ControlListing Table() => new("1.2.1", 4096,
    [
        new ServiceEntry(Web, "wlc", ServiceAttributes.None, 0, null, null,
        [
            new ServerEntry("198.18.1.1", 80, ControlForwardingMethod.Masq, 0, 0, 0) { ConfiguredWeight = 4 },
            new ServerEntry("198.18.1.99", 80, ControlForwardingMethod.Masq, 1, 0, 0) { SorryServer = true },
        ], TrafficStats.Zero),
    ]);

    [Fact]
    public void A_down_server_lists_weight_0_and_the_sorry_server_while_in_use()
    {
        var text = _formatter.FormatAll(Table(), DisplayOptions.Numeric);
        Assert.Contains("  -> 198.18.1.1:80                Masq    0      0          0         \n", text, StringComparison.Ordinal);
        Assert.Contains("  -> 198.18.1.99:80               Masq    1      0          0         \n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_writes_the_configured_weight_and_leaves_the_sorry_server_out()
    {
        var text = _formatter.FormatAll(Table(), DisplayOptions.Numeric | DisplayOptions.Rule);
        Assert.Equal("-A -t 198.18.0.10:80 -s wlc\n-a -t 198.18.0.10:80 -r 198.18.1.1:80 -m -w 4\n", text);
    }
}
