using LvsDirector.Connections;
using LvsDirector.DataPath;

namespace LvsDirector.Tests.DataPath;

/// <summary>
/// The 10-million-connection goal, which is for the IPv4 table: such a table can be built, costs at most 128 bytes a
/// connection with the worker's parallel arrays, and is cheap until used. The worker's IPv6 table (its own, smaller
/// capacity; a slot costs more, its addresses being 128-bit) is counted in the worker's total but is not part of the goal.
/// </summary>
public class TenMillionConnectionsTests
{
    [Fact]
    public void A_worker_with_ten_million_ipv4_connection_slots_stays_within_128_bytes_each()
    {
        const int Capacity = 10_000_000;
        // Counted on this thread only: other tests running in parallel must not move the figure.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var bed = new NatTestBed(tableSize: Capacity);
        Assert.Equal(Capacity, bed.Connections.Capacity);

        var perConnection = (double)bed.Worker.Ipv4ConnectionMemoryBytes / Capacity;
        Assert.True(perConnection <= 128, $"{perConnection:F1} bytes per IPv4 connection");
        Assert.True(ConnectionTable.BytesPerEntry + PacketWorker.ParallelBytesPerEntry <= 128 - 16);

        // The total counts the IPv6 table and its parallel arrays too.
        var table6 = bed.Worker.Connections6;
        Assert.Equal(table6.AllocatedBytes + ((long)table6.Capacity * PacketWorker.ParallelBytesPerEntry), bed.Worker.Ipv6ConnectionMemoryBytes);
        Assert.Equal(bed.Worker.Ipv4ConnectionMemoryBytes + bed.Worker.Ipv6ConnectionMemoryBytes, bed.Worker.ConnectionMemoryBytes);

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
