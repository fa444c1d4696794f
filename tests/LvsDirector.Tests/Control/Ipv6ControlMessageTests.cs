using System.Text;
using LvsDirector.Control;

namespace LvsDirector.Tests.Control;

/// <summary>IPv6 addresses travel as text in the JSON messages; these round trips pin that down.</summary>
public sealed class Ipv6ControlMessageTests
{
    private static readonly ControlServiceKey Web6 = new(ControlProtocol.Tcp, "2001:db8::1", 443);
    private static readonly ControlServiceKey Mark6 = new(ControlProtocol.Tcp, null, 0, 9, true);

    public static TheoryData<ControlRequest> Requests() =>
    [
        new AddServiceRequest(new ControlServiceSpec(Web6, "sh", PersistenceTimeout: 600, Netmask: "64")),
        new EditServiceRequest(new ControlServiceSpec(Mark6, "rr")),
        new DeleteServiceRequest(Web6),
        new AddServerRequest(Web6, new ControlServerSpec("2001:db8:1::11", 8443, 3, ControlForwardingMethod.Masq)),
        new EditServerRequest(Mark6, new ControlServerSpec("2001:db8:1:ffff:ffff:ffff:ffff:ffff", 0, 0, ControlForwardingMethod.Tunnel)),
        new DeleteServerRequest(Web6, "2001:db8:1::11", 8443),
        new ListRequest(Web6),
        new ZeroRequest(Mark6),
    ];

    [Theory]
    [MemberData(nameof(Requests))]
    public void Ipv6_requests_survive_a_round_trip(ControlRequest request)
    {
        var bytes = ControlMessageCodec.SerializeRequest(request);
        var back = ControlMessageCodec.DeserializeRequest(bytes);

        Assert.Equal(request.GetType(), back.GetType());
        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(ControlMessageCodec.SerializeRequest(back)));
        var json = Encoding.UTF8.GetString(bytes);
        Assert.True(json.Contains("\"2001:db8:", StringComparison.Ordinal) || json.Contains("\"ipv6\":true", StringComparison.Ordinal), json);
    }

    [Fact]
    public void Ipv6_fields_keep_their_values()
    {
        var request = (AddServerRequest)ControlMessageCodec.DeserializeRequest(ControlMessageCodec.SerializeRequest(
            new AddServerRequest(Web6, new ControlServerSpec("2001:db8:1::11", 8443, 3, ControlForwardingMethod.Masq))));
        Assert.Equal(Web6, request.Service);
        Assert.Equal("2001:db8:1::11", request.Server.Address);

        var mark = (ZeroRequest)ControlMessageCodec.DeserializeRequest(ControlMessageCodec.SerializeRequest(new ZeroRequest(Mark6)));
        Assert.Equal(true, mark.Service!.Ipv6);
        Assert.Equal(9u, mark.Service.Fwmark);
    }

    [Fact]
    public void Ipv6_listings_and_connections_survive_a_round_trip()
    {
        var listing = new ControlListing("1.2.1", 4096,
        [
            new ServiceEntry(Web6, "sh", ServiceAttributes.Persistent, 600, "64", null,
                [new ServerEntry("2001:db8:1::11", 8443, ControlForwardingMethod.Masq, 3, 1, 2, 4)], TrafficStats.Zero),
        ]);
        var connections = new ControlConnectionEntry[]
        {
            new(ControlProtocol.Tcp, "2001:db8:c::2", 40000, "2001:db8::1", 443, "2001:db8:1::11", 8443, "ESTABLISHED", 899),
            new(ControlProtocol.Tcp, "2001:db8:c::", 0, null, 0, "2001:db8:1::11", 0, "NONE", 100, IsTemplate: true, Fwmark: 9),
        };

        var listed = ControlMessageCodec.DeserializeResponse(ControlMessageCodec.SerializeResponse(ControlResponse.FromListing(listing))).Listing!;
        var service = Assert.Single(listed.Services);
        Assert.Equal(Web6, service.Key);
        Assert.Equal("64", service.Netmask);
        Assert.Equal("2001:db8:1::11", Assert.Single(service.Servers).Address);

        var back = ControlMessageCodec.DeserializeResponse(ControlMessageCodec.SerializeResponse(ControlResponse.FromConnections(connections))).Connections!;
        Assert.Equal(connections, back);
    }
}
