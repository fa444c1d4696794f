using LvsDirector.Connections;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.Tests.DataPath;

public class ThresholdTests
{
    private static (ServiceTable Table, RealServer Server, ConnectionTable Connections) One(uint upper, uint lower)
    {
        var table = new ServiceTable();
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(NatTestBed.Key, "rr")));
        Assert.Equal(ServiceTableError.None, table.AddRealServer(NatTestBed.Key, new RealServerSpec(NatTestBed.ServerIp(0), 8080, 1, ForwardingMethod.Masquerade)
        {
            UpperThreshold = upper,
            LowerThreshold = lower,
        }));
        return (table, table.Current.Services[0].Servers[0], new ConnectionTable(64, ConnectionTimeouts.Default, 1));
    }

    private static int Add(ConnectionTable connections, RealServer server, ushort port) =>
        connections.Add(6, NatTestBed.ClientAddress, port, NatTestBed.Vip, 80, server.Address, 8080, server, false, 0);

    [Fact]
    public void Overload_is_set_at_the_upper_threshold_and_cleared_below_the_lower_one()
    {
        var (_, server, connections) = One(upper: 4, lower: 2);
        var entries = Enumerable.Range(0, 4).Select(i => Add(connections, server, (ushort)(1000 + i))).ToList();
        Assert.True(server.IsOverloaded);

        connections.Remove(entries[0]);
        connections.Remove(entries[1]);
        Assert.True(server.IsOverloaded); // 2 is not below 2
        connections.Remove(entries[2]);
        Assert.False(server.IsOverloaded);
    }

    [Fact]
    public void Without_a_lower_threshold_overload_clears_below_three_quarters_of_the_upper_one()
    {
        var (_, server, connections) = One(upper: 4, lower: 0);
        var entries = Enumerable.Range(0, 4).Select(i => Add(connections, server, (ushort)(1000 + i))).ToList();
        Assert.True(server.IsOverloaded);
        connections.Remove(entries[0]);
        Assert.True(server.IsOverloaded); // 3 * 4 = 12, not below 4 * 3
        connections.Remove(entries[1]);
        Assert.False(server.IsOverloaded);
    }

    [Fact]
    public void Raising_or_removing_the_upper_threshold_clears_overload_at_once()
    {
        var (table, server, connections) = One(upper: 1, lower: 0);
        Add(connections, server, 1000);
        Assert.True(server.IsOverloaded);
        Assert.Equal(ServiceTableError.None, table.EditRealServer(NatTestBed.Key, new RealServerSpec(NatTestBed.ServerIp(0), 8080, 1, ForwardingMethod.Masquerade) { UpperThreshold = 5 }));
        Assert.False(server.IsOverloaded);
        Assert.Equal(5u, server.UpperThreshold);
    }

    [Fact]
    public void A_lower_threshold_above_the_upper_one_is_refused()
    {
        var (table, _, _) = One(0, 0);
        var spec = new RealServerSpec(NatTestBed.ServerIp(1), 8080, 1, ForwardingMethod.Masquerade) { UpperThreshold = 2, LowerThreshold = 3 };
        Assert.Equal(ServiceTableError.ThresholdRange, table.AddRealServer(NatTestBed.Key, spec));
        Assert.Equal(ServiceTableError.ThresholdRange, table.AddRealServer(NatTestBed.Key, spec with { UpperThreshold = 0 }));
    }

    [Fact]
    public void The_scheduler_skips_an_overloaded_server()
    {
        var bed = new NatTestBed(defaultService: false);
        bed.AddService(new VirtualServiceSpec(NatTestBed.Key, "rr"), 8080, upperThreshold: 1);
        bed.ResolveServers();
        var servers = Enumerable.Range(0, 3).Select(i => bed.Forward(NatTestBed.Client().Tcp((ushort)(1000 + i), 80, TcpFlags.Syn, [])).Server).ToArray();
        Assert.Equal([0, 1, 2], servers.Order());
        Assert.All(bed.Services.Current.Services[0].Servers, s => Assert.True(s.IsOverloaded));

        bed.FromClient(NatTestBed.Client().Tcp(2000, 80, TcpFlags.Syn, []));
        Assert.Empty(NatTestBed.DrainSent(bed.ServerLink));
        Assert.Equal(1, bed.Counters.Snapshot().Single(c => c.Key == "drop_no_destination").Value);
    }
}
