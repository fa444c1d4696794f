using System.Text;
using System.Text.Json;
using LvsDirector.Control;

namespace LvsDirector.Tests.Control;

public sealed class ControlMessageCodecTests
{
    public static TheoryData<int> RequestIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < ControlSamples.AllRequests.Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RequestIndexes))]
    public void Every_request_survives_a_round_trip(int index)
    {
        var request = ControlSamples.AllRequests[index];

        var bytes = ControlMessageCodec.SerializeRequest(request);
        var back = ControlMessageCodec.DeserializeRequest(bytes);

        Assert.Equal(request.GetType(), back.GetType());
        Assert.Equal(request.CommandName, back.CommandName);

        // Records with lists compare lists by reference, so compare the canonical JSON instead.
        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(ControlMessageCodec.SerializeRequest(back)));
    }

    [Fact]
    public void Request_json_names_the_command_and_uses_wire_names()
    {
        var json = Encoding.UTF8.GetString(ControlMessageCodec.SerializeRequest(
            new AddServerRequest(ControlSamples.TcpKey, new ControlServerSpec("198.18.1.1", 80, 1, ControlForwardingMethod.Masq))));

        Assert.StartsWith("{\"command\":\"add-server\"", json, StringComparison.Ordinal);
        Assert.Contains("\"protocol\":\"tcp\"", json, StringComparison.Ordinal);
        Assert.Contains("\"method\":\"masq\"", json, StringComparison.Ordinal);
        Assert.Contains("\"upperThreshold\":null", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_is_read_even_when_the_command_is_not_the_first_property()
    {
        var json = """{"service":{"protocol":"udp","address":"198.18.0.1","port":53},"command":"delete-service"}""";

        var request = ControlMessageCodec.DeserializeRequest(Encoding.UTF8.GetBytes(json));

        var delete = Assert.IsType<DeleteServiceRequest>(request);
        Assert.Equal(ControlProtocol.Udp, delete.Service.Protocol);
        Assert.Equal((ushort)53, delete.Service.Port);
    }

    [Fact]
    public void A_response_with_a_listing_survives_a_round_trip()
    {
        var response = ControlResponse.FromListing(ControlSamples.Listing);

        var bytes = ControlMessageCodec.SerializeResponse(response);
        var back = ControlMessageCodec.DeserializeResponse(bytes);

        Assert.True(back.Ok);
        Assert.NotNull(back.Listing);
        Assert.Equal("1.2.1", back.Listing.Version);
        Assert.Equal(4096, back.Listing.ConnectionTableSize);
        Assert.Equal(new ControlTimeouts(900, 120, 300), back.Listing.Timeouts);
        var service = Assert.Single(back.Listing.Services);
        Assert.Equal(ControlSamples.TcpKey, service.Key);
        Assert.Equal(ServiceAttributes.Persistent | ServiceAttributes.Scheduler2, service.Flags);
        Assert.Equal("255.255.255.0", service.Netmask);
        Assert.Equal(new TrafficStats(10, 20, 30, 40, 50), service.Stats);
        Assert.Equal(2, service.Servers.Count);
        Assert.Equal(ControlSamples.Listing.Services[0].Servers[1], service.Servers[1]);
        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(ControlMessageCodec.SerializeResponse(back)));
    }

    [Fact]
    public void A_response_with_connections_survives_a_round_trip()
    {
        var bytes = ControlMessageCodec.SerializeResponse(ControlResponse.FromConnections(ControlSamples.Connections));
        var back = ControlMessageCodec.DeserializeResponse(bytes);

        Assert.True(back.Ok);
        Assert.Null(back.Listing);
        Assert.Equal(ControlSamples.Connections, back.Connections);
        var json = Encoding.UTF8.GetString(bytes);
        Assert.Contains("\"state\":\"ESTABLISHED\"", json, StringComparison.Ordinal);
        Assert.Contains("\"expiresInSeconds\":899", json, StringComparison.Ordinal);
        Assert.Contains("\"isTemplate\":true", json, StringComparison.Ordinal);
    }

    [Fact]
    public void List_connections_is_a_known_command_on_the_wire()
    {
        var json = Encoding.UTF8.GetString(ControlMessageCodec.SerializeRequest(new ListConnectionsRequest()));

        Assert.Equal("{\"command\":\"list-connections\"}", json);
        Assert.IsType<ListConnectionsRequest>(ControlMessageCodec.DeserializeRequest(Encoding.UTF8.GetBytes(json)));
        Assert.Contains("list-connections", ControlMessageCodec.KnownCommands);
    }

    [Fact]
    public void A_response_from_an_older_daemon_without_connections_still_reads()
    {
        var back = ControlMessageCodec.DeserializeResponse("""{"ok":true,"error":"none","message":null,"listing":null}"""u8);

        Assert.True(back.Ok);
        Assert.Null(back.Connections);
    }

    [Theory]
    [InlineData("ESTABLISHED", 1)]
    [InlineData("NONE", 0)]
    [InlineData("SYN_RECV", 3)]
    [InlineData("TIME_WAIT", 5)]
    [InlineData("CLOSE_WAIT", 7)]
    [InlineData("SYNACK", 10)]
    [InlineData("ERR!", 11)]
    [InlineData("ERR!", -1)]
    public void Tcp_state_names_are_the_kernels(string name, int state)
    {
        Assert.Equal(name, IpvsStateNames.ForTcp(state));
    }

    [Theory]
    [InlineData(ControlError.NoSuchService, "no-such-service")]
    [InlineData(ControlError.SchedulerNotFound, "scheduler-not-found")]
    [InlineData(ControlError.RequestTooLarge, "request-too-large")]
    public void A_failure_survives_a_round_trip(ControlError error, string wireName)
    {
        var bytes = ControlMessageCodec.SerializeResponse(ControlResponse.Failure(error, "detail"));

        Assert.Contains($"\"error\":\"{wireName}\"", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        var back = ControlMessageCodec.DeserializeResponse(bytes);
        Assert.False(back.Ok);
        Assert.Equal(error, back.Error);
        Assert.Equal("detail", back.Message);
    }

    [Fact]
    public void A_failure_needs_an_error_code()
    {
        Assert.Throws<ArgumentException>(() => ControlResponse.Failure(ControlError.None));
    }

    [Fact]
    public void An_unknown_command_is_reported_as_such()
    {
        var ex = Assert.Throws<ControlProtocolException>(
            () => ControlMessageCodec.DeserializeRequest("""{"command":"start-daemon","state":"master"}"""u8));

        Assert.Equal(ControlError.UnknownCommand, ex.Error);
        Assert.Contains("start-daemon", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("""{"command":"add-service"}""")]
    [InlineData("""{"command":"delete-service","service":{"protocol":"icmp","address":"198.18.0.1","port":1}}""")]
    [InlineData("""{"command":"delete-service","service":{"protocol":"tcp","address":"198.18.0.1","port":70000}}""")]
    [InlineData("""{"command":"delete-server","service":{"protocol":"tcp","address":"198.18.0.1","port":1},"address":null,"port":1}""")]
    [InlineData("""{"command":"list",""")]
    public void Malformed_requests_are_bad_requests(string json)
    {
        var ex = Assert.Throws<ControlProtocolException>(() => ControlMessageCodec.DeserializeRequest(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(ControlError.BadRequest, ex.Error);
    }

    [Fact]
    public void Malformed_responses_throw_protocol_errors()
    {
        var ex = Assert.Throws<ControlProtocolException>(() => ControlMessageCodec.DeserializeResponse("{\"ok\":"u8));

        Assert.IsAssignableFrom<JsonException>(ex.InnerException);
    }
}
