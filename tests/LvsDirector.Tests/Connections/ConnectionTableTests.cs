using System.Runtime.CompilerServices;
using LvsDirector.Connections;
using LvsDirector.Tests.Scheduling;
using F = LvsDirector.Connections.TcpFlagBits;
using S = LvsDirector.Connections.TcpConnectionState;

namespace LvsDirector.Tests.Connections;

public class ConnectionTableTests
{
    private const byte Tcp = 6;
    private const byte Udp = 17;
    private const uint Client = 0xC6130A01; // 198.19.10.1
    private const uint Vip = 0xC6120064; // 198.18.0.100
    private const uint Real = 0xC6120102; // 198.18.1.2
    private const long T0 = 1_000_000;

    private static ConnectionTable NewTable(int capacity = 16) => new(capacity, ConnectionTimeouts.Default, seed: 12345);

    private static int AddTcp(ConnectionTable table, TestDestination dest, ushort clientPort = 40000, bool inputOnly = false, long now = T0) =>
        table.Add(Tcp, Client, clientPort, Vip, 80, Real, 8080, dest, inputOnly, now);

    private static void AssertStep(ConnectionTable table, int index, TestDestination dest, S state, long expiresAt, int active, int inactive)
    {
        Assert.Equal(state, table[index].State);
        Assert.Equal(expiresAt, table[index].ExpiresAtMs);
        Assert.Equal(active, dest.ActiveConnections);
        Assert.Equal(inactive, dest.InactiveConnections);
    }

    [Fact]
    public void MemoryPerConnectionIsWithinBudget()
    {
        Assert.Equal(48, Unsafe.SizeOf<ConnectionEntry>());
        Assert.Equal(48 + IntPtr.Size + 16, ConnectionTable.BytesPerEntry);
        Assert.True(ConnectionTable.BytesPerEntry <= 128);

        var table = new ConnectionTable(1 << 16, ConnectionTimeouts.Default, 1);
        Assert.Equal((long)ConnectionTable.BytesPerEntry << 16, table.AllocatedBytes);

        // Worst power-of-two rounding still fits.
        var odd = new ConnectionTable((1 << 16) + 1, ConnectionTimeouts.Default, 1);
        Assert.True(odd.AllocatedBytes / odd.Capacity <= 128 - 40);
    }

    [Fact]
    public void DefaultTimeoutsAreIpvs()
    {
        var t = ConnectionTimeouts.Default;
        Assert.Equal(
            new[] { 2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120 },
            Enum.GetValues<S>().Select(s => (int)t.ForTcpState(s).TotalSeconds));
        Assert.Equal(300, t.Udp.TotalSeconds);
    }

    [Fact]
    public void AddAndFindInBothDirections()
    {
        var table = NewTable();
        var dest = new TestDestination("A", 1);
        int index = AddTcp(table, dest);

        Assert.Equal(1, table.Count);
        Assert.Equal(index, table.FindInbound(Tcp, Client, 40000, Vip, 80));
        Assert.Equal(index, table.FindOutbound(Tcp, Real, 8080, Client, 40000));
        Assert.Same(dest, table.GetDestination(index));

        ref readonly var e = ref table[index];
        Assert.Equal((Tcp, Client, (ushort)40000, Vip, (ushort)80, Real, (ushort)8080), (e.Protocol, e.ClientAddress, e.ClientPort, e.VirtualAddress, e.VirtualPort, e.RealAddress, e.RealPort));
        Assert.Equal(ConnectionStatus.InUse | ConnectionStatus.Inactive, e.Flags);

        Assert.Equal(-1, table.FindInbound(Udp, Client, 40000, Vip, 80));
        Assert.Equal(-1, table.FindInbound(Tcp, Client, 40001, Vip, 80));
        Assert.Equal(-1, table.FindInbound(Tcp, Client, 40000, Vip, 81));
        Assert.Equal(-1, table.FindInbound(Tcp, Client + 1, 40000, Vip, 80));
        Assert.Equal(-1, table.FindOutbound(Tcp, Real, 8081, Client, 40000));
        Assert.Equal(-1, table.FindOutbound(Tcp, Real, 8080, Client, 40001));
    }

    [Fact]
    public void FullTableReturnsMinusOneUntilSomethingIsRemoved()
    {
        var table = NewTable(4);
        var dest = new TestDestination("A", 1);
        var indexes = Enumerable.Range(0, 4).Select(i => AddTcp(table, dest, (ushort)(1000 + i))).ToArray();
        Assert.DoesNotContain(-1, indexes);
        Assert.Equal(4, table.Count);

        Assert.Equal(-1, AddTcp(table, dest, 2000));
        Assert.Equal(4, dest.InactiveConnections);

        table.Remove(indexes[2]);
        Assert.Equal(3, dest.InactiveConnections);
        int again = AddTcp(table, dest, 2000);
        Assert.Equal(indexes[2], again);
        Assert.Equal(-1, table.FindInbound(Tcp, Client, 1002, Vip, 80));
        Assert.Equal(again, table.FindInbound(Tcp, Client, 2000, Vip, 80));
    }

    [Fact]
    public void NatClientCloses()
    {
        var table = NewTable();
        var d = new TestDestination("A", 1);
        int i = AddTcp(table, d);
        AssertStep(table, i, d, S.None, T0 + 2_000, 0, 1);

        table.OnInbound(i, F.Syn, T0 + 1);
        AssertStep(table, i, d, S.SynRecv, T0 + 1 + 60_000, 1, 0);
        table.OnOutbound(i, F.Syn | F.Ack, T0 + 2);
        AssertStep(table, i, d, S.SynRecv, T0 + 2 + 60_000, 1, 0);
        table.OnInbound(i, F.Ack, T0 + 3);
        AssertStep(table, i, d, S.Established, T0 + 3 + 900_000, 1, 0);
        table.OnOutbound(i, F.Ack, T0 + 4);
        AssertStep(table, i, d, S.Established, T0 + 4 + 900_000, 1, 0);

        table.OnInbound(i, F.Fin | F.Ack, T0 + 5);
        AssertStep(table, i, d, S.CloseWait, T0 + 5 + 60_000, 0, 1);
        Assert.False(table.IsClosedForReuse(i));
        table.OnOutbound(i, F.Ack, T0 + 6);
        AssertStep(table, i, d, S.CloseWait, T0 + 6 + 60_000, 0, 1);
        table.OnOutbound(i, F.Fin | F.Ack, T0 + 7);
        AssertStep(table, i, d, S.TimeWait, T0 + 7 + 120_000, 0, 1);
        table.OnInbound(i, F.Ack, T0 + 8);
        AssertStep(table, i, d, S.TimeWait, T0 + 8 + 120_000, 0, 1);
        Assert.True(table.IsClosedForReuse(i));

        table.Remove(i);
        Assert.Equal((0, 0), (d.ActiveConnections, d.InactiveConnections));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void NatServerCloses()
    {
        var table = NewTable();
        var d = new TestDestination("A", 1);
        int i = AddTcp(table, d);
        table.OnInbound(i, F.Syn, T0);
        table.OnOutbound(i, F.Syn | F.Ack, T0);
        table.OnInbound(i, F.Ack, T0);
        AssertStep(table, i, d, S.Established, T0 + 900_000, 1, 0);

        table.OnOutbound(i, F.Fin | F.Ack, T0 + 10);
        AssertStep(table, i, d, S.FinWait, T0 + 10 + 120_000, 0, 1);
        table.OnInbound(i, F.Ack, T0 + 11);
        AssertStep(table, i, d, S.FinWait, T0 + 11 + 120_000, 0, 1);
        table.OnInbound(i, F.Fin | F.Ack, T0 + 12);
        AssertStep(table, i, d, S.TimeWait, T0 + 12 + 120_000, 0, 1);
        table.OnOutbound(i, F.Ack, T0 + 13);
        AssertStep(table, i, d, S.TimeWait, T0 + 13 + 120_000, 0, 1);
        Assert.True(table.IsClosedForReuse(i));
    }

    [Fact]
    public void ResetClosesAndReturnsToInactive()
    {
        var table = NewTable();
        var d = new TestDestination("A", 1);
        int i = AddTcp(table, d);
        table.OnInbound(i, F.Syn, T0);
        table.OnInbound(i, F.Ack, T0);
        AssertStep(table, i, d, S.Established, T0 + 900_000, 1, 0);
        table.OnOutbound(i, F.Rst, T0 + 1);
        AssertStep(table, i, d, S.Close, T0 + 1 + 10_000, 0, 1);
        Assert.True(table.IsClosedForReuse(i));
    }

    [Fact]
    public void DirectRoutingUsesInputOnlyTable()
    {
        var table = NewTable();
        var d = new TestDestination("A", 1);
        int i = AddTcp(table, d, inputOnly: true);
        Assert.Equal(ConnectionStatus.InUse | ConnectionStatus.Inactive | ConnectionStatus.NoOutput, table[i].Flags);

        table.OnInbound(i, F.Syn, T0);
        AssertStep(table, i, d, S.SynRecv, T0 + 60_000, 1, 0);
        table.OnInbound(i, F.Ack, T0);
        AssertStep(table, i, d, S.Established, T0 + 900_000, 1, 0);
        table.OnInbound(i, F.Fin | F.Ack, T0); // the INPUT table would say CLOSE_WAIT
        AssertStep(table, i, d, S.FinWait, T0 + 120_000, 0, 1);
        table.OnInbound(i, F.Ack, T0);
        AssertStep(table, i, d, S.FinWait, T0 + 120_000, 0, 1);
        Assert.False(table.IsClosedForReuse(i));
        Assert.True(table.IsClosedForReuse(i, finWaitWithoutOutput: true));
    }

    [Fact]
    public void AReplyClearsNoOutput()
    {
        var table = NewTable();
        var d = new TestDestination("A", 1);
        int i = AddTcp(table, d, inputOnly: true);
        table.OnInbound(i, F.Syn, T0);
        table.OnOutbound(i, F.Syn | F.Ack, T0);
        Assert.Equal(ConnectionStatus.InUse, table[i].Flags);
        table.OnInbound(i, F.Ack, T0);
        table.OnInbound(i, F.Fin | F.Ack, T0);
        Assert.Equal(S.CloseWait, table[i].State); // INPUT table now
    }

    [Fact]
    public void UdpStaysInactiveAndRefreshesItsTimeout()
    {
        var table = NewTable();
        var d = new TestDestination("A", 1);
        int i = table.Add(Udp, Client, 5353, Vip, 53, Real, 53, d, false, T0);
        AssertStep(table, i, d, S.None, T0 + 300_000, 0, 1);
        table.OnInbound(i, 0, T0 + 1_000);
        AssertStep(table, i, d, S.None, T0 + 301_000, 0, 1);
        table.OnOutbound(i, F.Syn, T0 + 2_000);
        AssertStep(table, i, d, S.None, T0 + 302_000, 0, 1);
        Assert.False(table.IsClosedForReuse(i));
        Assert.Equal(i, table.FindOutbound(Udp, Real, 53, Client, 5353));
    }

    [Fact]
    public void ExpireDueRemovesOnlyExpiredEntriesAndFixesCounters()
    {
        var table = NewTable(8);
        var a = new TestDestination("A", 1);
        var b = new TestDestination("B", 1);
        int syn = AddTcp(table, a, 1);
        table.OnInbound(syn, F.Syn, T0); // SYN_RECV, 60 s, active
        int est = AddTcp(table, a, 2);
        table.OnInbound(est, F.Syn, T0);
        table.OnInbound(est, F.Ack, T0); // ESTABLISHED, 900 s, active
        int udp = table.Add(Udp, Client, 3, Vip, 53, Real, 53, b, false, T0); // 300 s, inactive
        int none = AddTcp(table, b, 4); // NONE, 2 s, inactive

        Assert.Equal(0, table.ExpireDue(T0 + 1_999, 100));
        Assert.Equal(1, table.ExpireDue(T0 + 2_000, 100));
        Assert.Equal(-1, table.FindInbound(Tcp, Client, 4, Vip, 80));
        Assert.Equal((0, 1), (b.ActiveConnections, b.InactiveConnections));

        Assert.Equal(1, table.ExpireDue(T0 + 60_000, 100));
        Assert.Equal((1, 0), (a.ActiveConnections, a.InactiveConnections));
        Assert.Equal(1, table.ExpireDue(T0 + 300_000, 100));
        Assert.Equal((0, 0), (b.ActiveConnections, b.InactiveConnections));
        Assert.Equal(est, table.FindInbound(Tcp, Client, 2, Vip, 80));
        Assert.Equal(1, table.ExpireDue(T0 + 900_000, 100));
        Assert.Equal((0, 0), (a.ActiveConnections, a.InactiveConnections));
        Assert.Equal(0, table.Count);
        _ = (udp, none);
    }

    [Fact]
    public void ExpireDueScansIncrementally()
    {
        var table = NewTable(64);
        var d = new TestDestination("A", 1);
        for (int p = 0; p < 64; p++)
        {
            AddTcp(table, d, (ushort)p);
        }

        int removed = 0;
        for (int call = 0; call < 8; call++)
        {
            int now = table.ExpireDue(T0 + 10_000, 8);
            Assert.True(now <= 8);
            removed += now;
        }

        Assert.Equal(64, removed);
        Assert.Equal(0, table.Count);
        Assert.Equal(0, d.InactiveConnections);
    }

    [Fact]
    public void NewTimeoutsApplyWithTheNextPacket()
    {
        var table = NewTable();
        var d = new TestDestination("A", 1);
        int i = AddTcp(table, d);
        table.OnInbound(i, F.Syn, T0);
        table.OnInbound(i, F.Ack, T0);
        table.SetTimeouts(ConnectionTimeouts.Default with { Established = TimeSpan.FromSeconds(30) });
        Assert.Equal(T0 + 900_000, table[i].ExpiresAtMs);
        table.OnInbound(i, F.Ack, T0 + 5);
        Assert.Equal(T0 + 5 + 30_000, table[i].ExpiresAtMs);
        Assert.Throws<ArgumentOutOfRangeException>(() => table.SetTimeouts(ConnectionTimeouts.Default with { Udp = TimeSpan.FromSeconds(-1) }));
    }

    [Fact]
    public void RemovedOrFreeEntriesAreRejected()
    {
        var table = NewTable();
        var d = new TestDestination("A", 1);
        int i = AddTcp(table, d);
        table.Remove(i);
        Assert.Throws<ArgumentException>(() => table.Remove(i));
        Assert.Throws<ArgumentException>(() => table.OnInbound(i, F.Ack, T0));
        Assert.False(table.IsClosedForReuse(i));
        Assert.Equal(0, d.InactiveConnections);
    }

    [Fact]
    public void CopyToPagesThroughLiveEntries()
    {
        var table = NewTable(32);
        var d = new TestDestination("A", 1);
        for (int p = 0; p < 20; p++)
        {
            AddTcp(table, d, (ushort)(100 + p));
        }

        table.Remove(table.FindInbound(Tcp, Client, 105, Vip, 80));
        var page = new ConnectionEntry[8];
        var ports = new List<int>();
        int position = 0;
        int written;
        while ((written = table.CopyTo(page, ref position)) > 0)
        {
            ports.AddRange(page.Take(written).Select(e => (int)e.ClientPort));
        }

        Assert.Equal(Enumerable.Range(100, 20).Where(p => p != 105), ports.Order());
        Assert.Equal(8, table.CopyTo(page));
    }

    [Fact]
    public void CollidingTuplesShareABucketAndStayFindable()
    {
        var table = NewTable(8); // 16 buckets
        var d = new TestDestination("A", 1);
        int target = table.InboundBucket(Tcp, Client, 0, Vip, 80);
        var colliding = Enumerable.Range(1, 60000).Select(p => (ushort)p)
            .Where(p => table.InboundBucket(Tcp, Client, p, Vip, 80) == target).Take(4).ToArray();
        Assert.Equal(4, colliding.Length);

        var indexes = colliding.Select(p => AddTcp(table, d, p)).ToArray();
        for (int k = 0; k < 4; k++)
        {
            Assert.Equal(indexes[k], table.FindInbound(Tcp, Client, colliding[k], Vip, 80));
        }

        table.Remove(indexes[1]); // middle of the chain
        table.Remove(indexes[3]); // head of the chain (added last)
        Assert.Equal(-1, table.FindInbound(Tcp, Client, colliding[1], Vip, 80));
        Assert.Equal(-1, table.FindInbound(Tcp, Client, colliding[3], Vip, 80));
        Assert.Equal(indexes[0], table.FindInbound(Tcp, Client, colliding[0], Vip, 80));
        Assert.Equal(indexes[2], table.FindInbound(Tcp, Client, colliding[2], Vip, 80));
        Assert.Equal(indexes[2], table.FindOutbound(Tcp, Real, 8080, Client, colliding[2]));
    }

    [Fact]
    public void SeedChangesBucketPlacement()
    {
        var a = new ConnectionTable(1024, ConnectionTimeouts.Default, 1);
        var b = new ConnectionTable(1024, ConnectionTimeouts.Default, 2);
        int same = Enumerable.Range(0, 100).Count(p => a.InboundBucket(Tcp, Client, (ushort)p, Vip, 80) == b.InboundBucket(Tcp, Client, (ushort)p, Vip, 80));
        Assert.True(same < 10, $"{same} of 100 tuples landed in the same bucket under two seeds");
    }

    [Fact]
    public void ChurnKeepsBothIndexesConsistent()
    {
        const int capacity = 1024;
        var table = new ConnectionTable(capacity, ConnectionTimeouts.Default, seed: 7);
        var dests = new[] { new TestDestination("A", 1), new TestDestination("B", 1) };
        var random = new Random(42);
        var live = new Dictionary<(byte, uint, ushort, uint, ushort), (int Index, uint Real, ushort RealPort)>();
        var keys = new List<(byte, uint, ushort, uint, ushort)>();

        for (int op = 0; op < capacity * 10 * 2; op++)
        {
            bool add = live.Count == 0 || (live.Count < capacity && random.Next(2) == 0);
            if (add)
            {
                // A narrow address range makes repeated and colliding tuples likely.
                var key = ((byte)(random.Next(2) == 0 ? Tcp : Udp), 0xC6130000u + (uint)random.Next(64), (ushort)random.Next(1, 64), Vip, (ushort)80);
                if (live.ContainsKey(key))
                {
                    continue;
                }

                uint real = 0xC6120100u + (uint)random.Next(4);
                ushort realPort = (ushort)(8000 + random.Next(2));
                int index = table.Add(key.Item1, key.Item2, key.Item3, key.Item4, key.Item5, real, realPort, dests[random.Next(2)], false, T0);
                Assert.NotEqual(-1, index);
                live.Add(key, (index, real, realPort));
                keys.Add(key);
            }
            else
            {
                int pick = random.Next(keys.Count);
                var key = keys[pick];
                keys[pick] = keys[^1];
                keys.RemoveAt(keys.Count - 1);
                table.Remove(live[key].Index);
                live.Remove(key);
                Assert.Equal(-1, table.FindInbound(key.Item1, key.Item2, key.Item3, key.Item4, key.Item5));
            }

            if (op % 97 == 0)
            {
                Verify();
            }
        }

        Verify();

        void Verify()
        {
            Assert.Equal(live.Count, table.Count);
            Assert.Equal(live.Count, dests.Sum(d => d.InactiveConnections));
            foreach (var (key, value) in live)
            {
                Assert.Equal(value.Index, table.FindInbound(key.Item1, key.Item2, key.Item3, key.Item4, key.Item5));
                int outbound = table.FindOutbound(key.Item1, value.Real, value.RealPort, key.Item2, key.Item3);
                Assert.NotEqual(-1, outbound);
                ref readonly var e = ref table[outbound];
                Assert.Equal((value.Real, value.RealPort, key.Item2, key.Item3), (e.RealAddress, e.RealPort, e.ClientAddress, e.ClientPort));
            }
        }
    }

    [Fact]
    public void HotPathDoesNotAllocate()
    {
        const int capacity = 4096;
        var table = new ConnectionTable(capacity, ConnectionTimeouts.Default, seed: 3);
        var d = new TestDestination("A", 1);
        Run(10_000); // warm up (tiering, statics)

        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(1_000_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);

        void Run(int iterations)
        {
            for (int n = 0; n < iterations; n++)
            {
                ushort port = (ushort)(n % 60000);
                uint client = 0xC6130000u + (uint)(n % 251);
                int index = table.FindInbound(Tcp, client, port, Vip, 80);
                if (index < 0)
                {
                    index = table.Add(Tcp, client, port, Vip, 80, Real, 8080, d, false, n);
                    if (index < 0)
                    {
                        table.ExpireDue(long.MaxValue, capacity);
                        continue;
                    }
                }

                table.OnInbound(index, (n & 1) == 0 ? F.Syn : F.Ack, n);
                table.FindOutbound(Tcp, Real, 8080, client, port);
                table.OnOutbound(index, F.Ack, n);
                if ((n & 3) == 0)
                {
                    table.Remove(index);
                }
            }
        }
    }
}
