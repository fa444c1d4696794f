using LvsDirector.Connections;
using LvsDirector.DataPath;

namespace LvsDirector.Tests.DataPath;

/// <summary>The 10-million-connection goal: such a table can be built, costs at most 128 bytes a connection, and is cheap until used.</summary>
public class TenMillionConnectionsTests
{
    [Fact]
    public void A_worker_with_ten_million_connection_slots_stays_within_128_bytes_each()
    {
        const int Capacity = 10_000_000;
        // Counted on this thread only: other tests running in parallel must not move the figure.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var bed = new NatTestBed(tableSize: Capacity);
        Assert.Equal(Capacity, bed.Connections.Capacity);

        var perConnection = (double)bed.Worker.ConnectionMemoryBytes / Capacity;
        Assert.True(perConnection <= 128, $"{perConnection:F1} bytes per connection");
        Assert.True(ConnectionTable.BytesPerEntry + PacketWorker.ParallelBytesPerEntry <= 128 - 16);

        // It works: connections land in the big table, and the sweep only walks what was ever used.
        bed.ResolveServers();
        bed.Forward(NatTestBed.Client().Tcp(1000, 80, LvsDirector.Packets.TcpFlags.Syn, []));
        Assert.Equal(1, bed.Connections.Count);
        bed.Heartbeat(1_000_000);
        Assert.Equal(0, bed.Connections.Count);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before >= bed.Worker.ConnectionMemoryBytes / 2);
        GC.KeepAlive(bed);
    }
}
