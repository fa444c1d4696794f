using System.Runtime.CompilerServices;
using LvsDirector.Connections;
using LvsDirector.Tests.Scheduling;
using F = LvsDirector.Connections.TcpFlagBits;
using S = LvsDirector.Connections.TcpConnectionState;

namespace LvsDirector.Tests.Connections;

/// <summary>
/// The behaviour both address families share, run once per family through the one generic table: the IPv4
/// (<see cref="ConnectionTableTests"/>) and IPv6 (<see cref="Ipv6ConnectionTableTests"/>) subclasses only say how to
/// make a table and addresses.
/// </summary>
public abstract class ConnectionTableContractTests<TAddress>
    where TAddress : unmanaged, IEquatable<TAddress>
{
    protected const byte Tcp = 6;
    protected const byte Udp = 17;
    protected const long T0 = 1_000_000;

    /// <summary>Client 0; clients 0..15 share one persistence network of <see cref="PersistencePrefix"/>.</summary>
    protected TAddress Client => ClientAt(0);

    protected abstract TAddress Vip { get; }

    protected TAddress Real => RealAt(0);

    /// <summary>The family's usual persistence granularity (IPv4 /24, IPv6 /64).</summary>
    protected abstract int PersistencePrefix { get; }

    /// <summary>Distinct client addresses; n and m share a <see cref="PersistencePrefix"/> network when n / 16 == m / 16.</summary>
    protected abstract TAddress ClientAt(int n);

    protected abstract TAddress RealAt(int n);

    /// <summary>The client network a template is keyed by: address AND the prefix mask.</summary>
    protected abstract TAddress Network(TAddress address, int prefixLength);

    protected abstract TAddress Mark(uint mark);

    protected abstract ConnectionTable<TAddress> NewTable(int capacity = 16, int seed = 12345);

    private int AddTcp(ConnectionTable<TAddress> table, TestDestination dest, ushort clientPort = 40000, bool inputOnly = false, long now = T0) =>
        table.Add(Tcp, Client, clientPort, Vip, 80, Real, 8080, dest, inputOnly, now);

    private static void AssertStep(ConnectionTable<TAddress> table, int index, TestDestination dest, S state, long expiresAt, int active, int inactive)
    {
        Assert.Equal(state, table[index].State);
        Assert.Equal(expiresAt, table[index].ExpiresAtMs);
        Assert.Equal(active, dest.ActiveConnections);
        Assert.Equal(inactive, dest.InactiveConnections);
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
        Assert.Equal(-1, table.FindInbound(Tcp, ClientAt(1), 40000, Vip, 80));
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
        var page = new ConnectionEntry<TAddress>[8];
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
        var a = NewTable(1024, 1);
        var b = NewTable(1024, 2);
        int same = Enumerable.Range(0, 100).Count(p => a.InboundBucket(Tcp, Client, (ushort)p, Vip, 80) == b.InboundBucket(Tcp, Client, (ushort)p, Vip, 80));
        Assert.True(same < 10, $"{same} of 100 tuples landed in the same bucket under two seeds");
    }

    [Fact]
    public void ChurnKeepsBothIndexesConsistent()
    {
        const int capacity = 1024;
        var table = NewTable(capacity, seed: 7);
        var dests = new[] { new TestDestination("A", 1), new TestDestination("B", 1) };
        var random = new Random(42);
        var live = new Dictionary<(byte, TAddress, ushort, TAddress, ushort), (int Index, TAddress Real, ushort RealPort)>();
        var keys = new List<(byte, TAddress, ushort, TAddress, ushort)>();

        for (int op = 0; op < capacity * 10 * 2; op++)
        {
            bool add = live.Count == 0 || (live.Count < capacity && random.Next(2) == 0);
            if (add)
            {
                // A narrow address range makes repeated and colliding tuples likely.
                var key = ((byte)(random.Next(2) == 0 ? Tcp : Udp), ClientAt(random.Next(64)), (ushort)random.Next(1, 64), Vip, (ushort)80);
                if (live.ContainsKey(key))
                {
                    continue;
                }

                var real = RealAt(random.Next(4));
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
        var table = NewTable(capacity, seed: 3);
        var d = new TestDestination("A", 1);
        var clients = Enumerable.Range(0, 251).Select(ClientAt).ToArray();
        var real = Real;
        var vip = Vip;
        long allocated = AllocationProbe.Measure(Run, 10_000, 1_000_000);
        Assert.Equal(0, allocated);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Run(int iterations)
        {
            for (int n = 0; n < iterations; n++)
            {
                ushort port = (ushort)(n % 60000);
                var client = clients[n % 251];
                int index = table.FindInbound(Tcp, client, port, vip, 80);
                if (index < 0)
                {
                    index = table.Add(Tcp, client, port, vip, 80, real, 8080, d, false, n);
                    if (index < 0)
                    {
                        table.ExpireDue(long.MaxValue, capacity);
                        continue;
                    }
                }

                table.OnInbound(index, (n & 1) == 0 ? F.Syn : F.Ack, n);
                table.FindOutbound(Tcp, real, 8080, client, port);
                table.OnOutbound(index, F.Ack, n);
                if ((n & 3) == 0)
                {
                    table.Remove(index);
                }
            }
        }
    }

    [Fact]
    public void TemplatesAreFoundByClientNetworkAndStickTheWholeNetwork()
    {
        var table = NewTable();
        var d = new TestDestination("A", 1);
        var network = Network(ClientAt(3), PersistencePrefix);
        Assert.Equal(network, Network(ClientAt(15), PersistencePrefix));
        Assert.NotEqual(network, Network(ClientAt(16), PersistencePrefix));

        int template = table.AddTemplate(Tcp, network, Vip, 80, Real, 8080, d, 300, T0);
        Assert.Equal(1, table.TemplateCount);
        Assert.True(table[template].IsTemplate);
        Assert.Equal((network, (ushort)0), (table[template].ClientAddress, table[template].ClientPort));
        Assert.Equal(template, table.FindTemplate(Tcp, Network(ClientAt(15), PersistencePrefix), Vip, 80));
        Assert.Equal(-1, table.FindTemplate(Tcp, Network(ClientAt(16), PersistencePrefix), Vip, 80));
        Assert.Equal(-1, table.FindTemplate(Udp, network, Vip, 80));
        Assert.Equal(-1, table.FindTemplate(Tcp, network, Vip, 81));

        // A template is never a connection, in either direction.
        Assert.Equal(-1, table.FindInbound(Tcp, network, 0, Vip, 80));
        Assert.Equal(-1, table.FindOutbound(Tcp, Real, 8080, network, 0));
        Assert.Equal((0, 0), (d.ActiveConnections, d.InactiveConnections));

        int connection = table.Add(Tcp, ClientAt(15), 40000, Vip, 80, Real, 8080, d, false, T0, template);
        Assert.Equal(1, table[template].ControlledConnections);
        Assert.Equal(0, table[connection].ControlledConnections);
        table.TouchTemplate(template, T0 + 10_000);
        Assert.Equal(T0 + 10_000 + 300_000, table[template].ExpiresAtMs);

        Assert.Throws<InvalidOperationException>(() => table.Remove(template));
        table.Remove(connection);
        Assert.Equal(0, table[template].ControlledConnections);
        table.Remove(template);
        Assert.Equal((0, 0), (table.Count, table.TemplateCount));
    }

    [Fact]
    public void FirewallMarkTemplatesAreKeyedByTheMarkWithProtocolZero()
    {
        var table = NewTable();
        var d = new TestDestination("A", 1);
        var network = Network(Client, PersistencePrefix);
        int template = table.AddTemplate(0, network, Mark(7), 0, Real, 0, d, 60, T0);
        Assert.Equal(template, table.FindTemplate(0, network, Mark(7), 0));
        Assert.Equal(-1, table.FindTemplate(0, network, Mark(8), 0));
        Assert.Equal(-1, table.FindTemplate(Tcp, network, Mark(7), 0));
        Assert.Equal(Mark(7), table[template].VirtualAddress);
    }

    [Fact]
    public void AnExpiredTemplateWaitsForItsConnectionsThenGoes()
    {
        var table = NewTable();
        var d = new TestDestination("A", 1);
        var network = Network(Client, PersistencePrefix);
        int template = table.AddTemplate(Tcp, network, Vip, 80, Real, 8080, d, 10, T0);
        int connection = table.Add(Tcp, Client, 40000, Vip, 80, Real, 8080, d, false, T0, template);
        table.OnInbound(connection, F.Syn, T0);
        table.OnInbound(connection, F.Ack, T0);

        // Due, but it controls an established connection: another full timeout instead (IPVS "expire later").
        Assert.Equal(0, table.ExpireDue(T0 + 10_000, 16));
        Assert.Equal(T0 + 20_000, table[template].ExpiresAtMs);
        Assert.Equal(template, table.FindTemplate(Tcp, network, Vip, 80));

        table.OnInbound(connection, F.Rst, T0 + 15_000); // CLOSE, 10 s
        Assert.Equal(1, table.ExpireDue(T0 + 25_000, 16));
        Assert.Equal(-1, table.FindInbound(Tcp, Client, 40000, Vip, 80));
        Assert.Equal(1, table.ExpireDue(T0 + 35_000, 16));
        Assert.Equal(-1, table.FindTemplate(Tcp, network, Vip, 80));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void AnInvalidatedTemplateIsHiddenAndFreedWithItsLastConnection()
    {
        var table = NewTable();
        var d = new TestDestination("A", 1);
        var network = Network(Client, PersistencePrefix);
        int idle = table.AddTemplate(Udp, network, Vip, 53, Real, 53, d, 60, T0);
        table.InvalidateTemplate(idle);
        Assert.Equal(0, table.TemplateCount);

        int template = table.AddTemplate(Tcp, network, Vip, 80, Real, 8080, d, 60, T0);
        int connection = table.Add(Tcp, Client, 40000, Vip, 80, Real, 8080, d, false, T0, template);
        table.InvalidateTemplate(template);
        Assert.Equal(-1, table.FindTemplate(Tcp, network, Vip, 80));
        Assert.Equal(1, table.TemplateCount);
        Assert.Equal(connection, table.FindInbound(Tcp, Client, 40000, Vip, 80));
        table.Remove(connection);
        Assert.Equal(1, table.ExpireDue(T0 + 60_000, 16));
        Assert.Equal((0, 0), (table.Count, table.TemplateCount));
        Assert.Throws<ArgumentException>(() => table.InvalidateTemplate(table.Add(Tcp, Client, 1, Vip, 80, Real, 8080, d, false, T0)));
    }

    [Fact]
    public void TemplatesAndConnectionsCountAgainstCapacity()
    {
        var table = NewTable(2);
        var d = new TestDestination("A", 1);
        Assert.NotEqual(-1, table.AddTemplate(Tcp, Network(Client, PersistencePrefix), Vip, 80, Real, 8080, d, 60, T0));
        Assert.NotEqual(-1, AddTcp(table, d, 1));
        Assert.Equal(-1, table.AddTemplate(Tcp, Network(ClientAt(16), PersistencePrefix), Vip, 80, Real, 8080, d, 60, T0));
        Assert.Equal(-1, table.AddOnePacket(Udp, Client, 9, Vip, 53, Real, 53, d, 1, T0));
        Assert.Equal(-1, AddTcp(table, d, 2));
        Assert.Equal(2, table.Count);
    }

    [Fact]
    public void OnePacketEntriesAnswerRepliesOnlyAndAreRefreshed()
    {
        var table = NewTable();
        var d = new TestDestination("A", 1);
        int i = table.AddOnePacket(Udp, Client, 5353, Vip, 53, Real, 53, d, 2, T0);
        Assert.True(table[i].IsOnePacket);
        Assert.Equal(-1, table.FindInbound(Udp, Client, 5353, Vip, 53));
        Assert.Equal(i, table.FindOutbound(Udp, Real, 53, Client, 5353));
        Assert.Equal((0, 0), (d.ActiveConnections, d.InactiveConnections));

        Assert.Equal(i, table.AddOnePacket(Udp, Client, 5353, Vip, 53, Real, 53, d, 2, T0 + 1_000));
        Assert.Equal(T0 + 3_000, table[i].ExpiresAtMs);
        Assert.Equal(1, table.Count);

        int other = table.AddOnePacket(Udp, Client, 5353, Vip, 53, RealAt(1), 53, d, 2, T0);
        Assert.NotEqual(i, other);
        Assert.Equal(2, table.ExpireDue(T0 + 3_000, 16));
        Assert.Equal(-1, table.FindOutbound(Udp, Real, 53, Client, 5353));
    }

    [Fact]
    public void SnapshotCopiesKeepAddressesAndState()
    {
        var table = NewTable();
        var d = new TestDestination("A", 1);
        int i = AddTcp(table, d);
        table.OnInbound(i, F.Syn, T0);
        var copy = new ConnectionEntry<TAddress>[4];
        Assert.Equal(1, table.CopyTo(copy));
        Assert.Equal((Client, Vip, Real, S.SynRecv), (copy[0].ClientAddress, copy[0].VirtualAddress, copy[0].RealAddress, copy[0].State));
    }
}
