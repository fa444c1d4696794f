using LvsDirector.Connections;
using LvsDirector.DataPath;
using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsDirector.Tests.DataPath;

public class ConnectionOptionsTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sloppy_tcp_schedules_a_connection_on_a_non_syn_segment(bool sloppy)
    {
        var bed = new NatTestBed(options: new PacketWorkerOptions { SloppyTcp = sloppy });
        bed.ResolveServers();
        bed.FromClient(NatTestBed.Client().Tcp(1000, 80, TcpFlags.Ack | TcpFlags.Psh, [1, 2, 3]));
        Assert.Equal(sloppy ? 1 : 0, NatTestBed.DrainSent(bed.ServerLink).Count);
        Assert.Equal(sloppy ? 1 : 0, bed.Connections.Count);
        if (sloppy)
        {
            Assert.Equal(TcpConnectionState.Established, Director.Copy(bed.Worker).Single().State);
        }

        // A RST never starts one.
        bed.FromClient(NatTestBed.Client().Tcp(1001, 80, TcpFlags.Rst, []));
        Assert.Empty(NatTestBed.DrainSent(bed.ServerLink));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Expire_nodest_conn_removes_the_entry_of_a_deleted_servers_connection(bool expire)
    {
        var bed = new NatTestBed(options: new PacketWorkerOptions { ExpireNodestConn = expire });
        bed.ResolveServers();
        var first = bed.Forward(NatTestBed.Client().Tcp(1000, 80, TcpFlags.Syn, []));
        Assert.Equal(ServiceTableError.None, bed.Services.DeleteRealServer(NatTestBed.Key, NatTestBed.ServerIp(first.Server), 8080));

        bed.FromClient(NatTestBed.Client().Tcp(1000, 80, TcpFlags.Ack, [1]));
        Assert.Empty(NatTestBed.DrainSent(bed.ServerLink)); // dropped either way
        Assert.Equal(expire ? 0 : 1, bed.Connections.Count);
        Assert.Equal(expire ? 1 : 0, bed.Counters.Snapshot().Single(c => c.Key == "expired_nodest_connections").Value);

        // The client's next SYN on that tuple is scheduled afresh once the entry is gone.
        bed.FromClient(NatTestBed.Client().Tcp(1000, 80, TcpFlags.Syn, []));
        Assert.Equal(expire ? 1 : 0, NatTestBed.DrainSent(bed.ServerLink).Count);
    }

    [Fact]
    public void Set_timeouts_reaches_the_running_workers_table_and_zero_keeps_a_value()
    {
        var link = new InMemoryLink("eth0", NatTestBed.ClientLinkMac, 1500, 64, 64, 65536);
        using var director = new Director(
            new DirectorSettings { Interfaces = ["eth0"], ConnectionTableSize = 1024, DisableOffloads = false },
            NullLoggerFactory.Instance,
            TimeProvider.System,
            _ => link,
            _ => [(0xC612_0001u, 24)]);
        director.Start();
        try
        {
            Assert.True(director.TrySetTimeouts(1234, 0, 77, out var error), error);
            Assert.Equal(TimeSpan.FromSeconds(1234), director.Timeouts.Established);
            Assert.Equal(TimeSpan.FromSeconds(120), director.Timeouts.FinWait);
            Assert.Equal(TimeSpan.FromSeconds(77), director.Timeouts.Udp);

            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (director.Worker!.Connections.Timeouts.Udp != TimeSpan.FromSeconds(77) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(10);
            }

            Assert.Equal(director.Timeouts, director.Worker.Connections.Timeouts);
            Assert.False(director.TrySetTimeouts(-1, 0, 0, out error));
            Assert.Contains("between 0 and", error, StringComparison.Ordinal);

            // The listing data source runs on the worker thread and answers.
            Assert.Empty(director.SnapshotConnections());
        }
        finally
        {
            director.Stop();
        }
    }

    [Fact]
    public void Timeouts_set_before_start_are_used_by_the_table()
    {
        var director = new Director(
            new DirectorSettings { Interfaces = ["eth0"], ConnectionTableSize = 1024, Timeouts = ConnectionTimeouts.Default with { Udp = TimeSpan.FromSeconds(9) } },
            NullLoggerFactory.Instance,
            TimeProvider.System);
        Assert.True(director.TrySetTimeouts(0, 30, 0, out _));
        Assert.Equal(TimeSpan.FromSeconds(9), director.Timeouts.Udp);
        Assert.Equal(TimeSpan.FromSeconds(30), director.Timeouts.FinWait);
        Assert.Empty(director.SnapshotConnections());
    }
}
