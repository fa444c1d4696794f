using System.Text;
using LvsDirector.Control;

namespace LvsDirector.Tests.Control;

/// <summary>The tunnel fields of add/edit-server and of listings on the wire shared by lvsadm and lvsd.</summary>
public sealed class TunnelControlMessageTests
{
    private static readonly ControlServiceKey Web = new(ControlProtocol.Tcp, "198.18.0.100", 80);

    private static T RoundTrip<T>(T request)
        where T : ControlRequest =>
        Assert.IsType<T>(ControlMessageCodec.DeserializeRequest(ControlMessageCodec.SerializeRequest(request)));

    [Fact]
    public void Add_and_edit_server_carry_type_port_and_checksum_by_their_ipvsadm_names()
    {
        var gue = new ControlServerSpec("198.20.0.11", 80, 1, ControlForwardingMethod.Tunnel, null, null,
            ControlTunnelType.Gue, 6080, ControlTunnelChecksum.RemoteChecksum);
        var add = new AddServerRequest(Web, gue);
        var edit = new EditServerRequest(Web, gue with { TunnelType = ControlTunnelType.Gre, TunnelPort = null, TunnelChecksum = ControlTunnelChecksum.Checksum });

        var json = Encoding.UTF8.GetString(ControlMessageCodec.SerializeRequest(add));

        Assert.Contains("\"tunnelType\":\"gue\"", json, StringComparison.Ordinal);
        Assert.Contains("\"tunnelPort\":6080", json, StringComparison.Ordinal);
        Assert.Contains("\"tunnelChecksum\":\"remcsum\"", json, StringComparison.Ordinal);
        Assert.Equal(gue, RoundTrip(add).Server);
        Assert.Equal(edit.Server, RoundTrip(edit).Server);
        Assert.Contains("\"tunnelChecksum\":\"csum\"", Encoding.UTF8.GetString(ControlMessageCodec.SerializeRequest(edit)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_without_tunnel_fields_reads_as_not_given()
    {
        var json = """{"command":"add-server","service":{"protocol":"tcp","address":"198.18.0.100","port":80},"server":{"address":"198.20.0.11","port":80,"weight":1,"method":"tunnel"}}""";

        var server = Assert.IsType<AddServerRequest>(ControlMessageCodec.DeserializeRequest(Encoding.UTF8.GetBytes(json))).Server;

        Assert.Equal((null, null, null), (server.TunnelType, server.TunnelPort, server.TunnelChecksum));
    }

    [Fact]
    public void An_unknown_tunnel_type_is_a_bad_request()
    {
        var json = """{"command":"add-server","service":{"protocol":"tcp","address":"198.18.0.100","port":80},"server":{"address":"198.20.0.11","port":80,"weight":1,"method":"tunnel","tunnelType":"vxlan"}}""";

        var ex = Assert.Throws<ControlProtocolException>(() => ControlMessageCodec.DeserializeRequest(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(ControlError.BadRequest, ex.Error);
    }

    [Fact]
    public void Listings_carry_the_tunnel_of_each_server()
    {
        var entry = new ServerEntry("198.20.0.11", 80, ControlForwardingMethod.Tunnel, 1, 0, 0,
            TunnelType: ControlTunnelType.Gue, TunnelPort: 6080, TunnelChecksum: ControlTunnelChecksum.NoChecksum);
        var listing = new ControlListing("1.2.1", 4096,
            [new ServiceEntry(Web, "rr", ServiceAttributes.Hashed, 0, "255.255.255.255", null, [entry], TrafficStats.Zero)]);

        var bytes = ControlMessageCodec.SerializeResponse(ControlResponse.FromListing(listing));
        var back = ControlMessageCodec.DeserializeResponse(bytes).Listing!.Services[0].Servers[0];

        Assert.Contains("\"tunnelType\":\"gue\",\"tunnelPort\":6080,\"tunnelChecksum\":\"nocsum\"", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Equal(entry with { Stats = null }, back with { Stats = null });
    }

    [Fact]
    public void A_listing_from_an_older_lvsd_reads_without_tunnel_details()
    {
        var entry = new ServerEntry("198.20.0.11", 80, ControlForwardingMethod.Tunnel, 1, 0, 0);
        var listing = new ControlListing("1.2.1", 4096,
            [new ServiceEntry(Web, "rr", ServiceAttributes.Hashed, 0, "255.255.255.255", null, [entry], TrafficStats.Zero)]);
        var current = Encoding.UTF8.GetString(ControlMessageCodec.SerializeResponse(ControlResponse.FromListing(listing)));
        const string TunnelFields = ",\"tunnelType\":null,\"tunnelPort\":0,\"tunnelChecksum\":\"nocsum\"";
        Assert.Contains(TunnelFields, current, StringComparison.Ordinal);

        var older = current.Replace(TunnelFields, string.Empty, StringComparison.Ordinal);
        var server = ControlMessageCodec.DeserializeResponse(Encoding.UTF8.GetBytes(older)).Listing!.Services[0].Servers[0];

        Assert.Null(server.TunnelType);
        Assert.Equal((ushort)0, server.TunnelPort);
        Assert.Equal(ControlTunnelChecksum.NoChecksum, server.TunnelChecksum);
    }
}
