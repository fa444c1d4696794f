using System.Runtime.CompilerServices;
using LvsDirector.Connections;
using LvsDirector.Packets;
using LvsDirector.Tests.Scheduling;

namespace LvsDirector.Tests.Connections;

/// <summary>The IPv6 table: the shared contract with UInt128 addresses, plus what only 128-bit addresses can get wrong.</summary>
public class Ipv6ConnectionTableTests : ConnectionTableContractTests<UInt128>
{
    private static readonly UInt128 ClientBase = Ipv6Address.Parse("2001:db8:a::1");

    protected override UInt128 Vip { get; } = Ipv6Address.Parse("2001:db8::64");

    protected override int PersistencePrefix => 64;

    // 16 clients per /64; the /64s differ in the upper half, so hashing and comparing must use all 128 bits.
    protected override UInt128 ClientAt(int n) => ClientBase + ((UInt128)(uint)(n / 16) << 64) + (uint)(n % 16);

    protected override UInt128 RealAt(int n) => Ipv6Address.Parse("2001:db8:2::2") + (uint)n;

    protected override UInt128 Network(UInt128 address, int prefixLength) => address & Ipv6Address.PrefixMask(prefixLength);

    protected override UInt128 Mark(uint mark) => mark;

    protected override ConnectionTable<UInt128> NewTable(int capacity = 16, int seed = 12345) =>
        new Ipv6ConnectionTable(capacity, ConnectionTimeouts.Default, seed);

    [Fact]
    public void EntriesCarryFullAddresses()
    {
        var table = new Ipv6ConnectionTable(16, ConnectionTimeouts.Default, 1);
        var d = new TestDestination("A", 1);
        int i = table.Add(Tcp, ClientAt(17), 40000, Vip, 443, RealAt(3), 8443, d, false, T0);
        ref readonly var e = ref table[i];
        Assert.Equal("2001:db8:a:1::2", Ipv6Address.Format(e.ClientAddress));
        Assert.Equal("2001:db8::64", Ipv6Address.Format(e.VirtualAddress));
        Assert.Equal("2001:db8:2::5", Ipv6Address.Format(e.RealAddress));
        Assert.True(Unsafe.SizeOf<ConnectionEntry<UInt128>>() <= 96);
        Assert.Equal(Unsafe.SizeOf<ConnectionEntry<UInt128>>() + IntPtr.Size + 16, Ipv6ConnectionTable.BytesPerEntry);
    }

    [Fact]
    public void AddressesThatDifferOnlyInOneHalfOrFoldAlikeAreDistinct()
    {
        var table = new Ipv6ConnectionTable(64, ConnectionTimeouts.Default, 5);
        var d = new TestDestination("A", 1);
        UInt128 low = ClientBase;
        UInt128 high = ClientBase + ((UInt128)1 << 100);

        // Same IPVS 32-bit fold, different addresses: the table must not key by the fold.
        UInt128 foldTwin = ClientBase ^ (((UInt128)0x1234_5678u << 32) | 0x1234_5678u);
        Assert.Equal(Ipv6Address.Fold(ClientBase), Ipv6Address.Fold(foldTwin));

        int a = table.Add(Tcp, low, 1000, Vip, 80, Real, 80, d, false, T0);
        int b = table.Add(Tcp, high, 1000, Vip, 80, Real, 80, d, false, T0);
        int c = table.Add(Tcp, foldTwin, 1000, Vip, 80, Real, 80, d, false, T0);
        Assert.Equal(3, new[] { a, b, c }.Distinct().Count());
        Assert.Equal(a, table.FindInbound(Tcp, low, 1000, Vip, 80));
        Assert.Equal(b, table.FindInbound(Tcp, high, 1000, Vip, 80));
        Assert.Equal(c, table.FindInbound(Tcp, foldTwin, 1000, Vip, 80));
        Assert.Equal(b, table.FindOutbound(Tcp, Real, 80, high, 1000));
        Assert.Equal(c, table.FindOutbound(Tcp, Real, 80, foldTwin, 1000));
        Assert.Equal(-1, table.FindInbound(Tcp, low, 1000, Vip + ((UInt128)1 << 64), 80));
    }

    [Fact]
    public void BucketsSpreadAcrossTheUpperHalfOfTheAddress()
    {
        var table = new Ipv6ConnectionTable(1024, ConnectionTimeouts.Default, 9);
        // Clients that differ only in the /64 (upper half): a hash that ignored it would put them all in one bucket.
        var buckets = Enumerable.Range(0, 256)
            .Select(n => table.InboundBucket(Tcp, ClientBase + ((UInt128)(uint)n << 64), 1000, Vip, 80))
            .Distinct().Count();
        Assert.True(buckets > 200, $"{buckets} buckets for 256 clients");
    }
}
