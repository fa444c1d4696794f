using System.Runtime.CompilerServices;
using LvsDirector.Connections;

namespace LvsDirector.Tests.Connections;

/// <summary>The IPv4 table: the shared contract plus its memory budget.</summary>
public class ConnectionTableTests : ConnectionTableContractTests<uint>
{
    protected override uint Vip => 0xC6120064; // 198.18.0.100

    protected override int PersistencePrefix => 24;

    // 198.19.10.1 upwards, 16 clients per /24.
    protected override uint ClientAt(int n) => 0xC6130A01u + ((uint)(n / 16) << 8) + (uint)(n % 16);

    protected override uint RealAt(int n) => 0xC6120102u + (uint)n; // 198.18.1.2 upwards

    protected override uint Network(uint address, int prefixLength) =>
        prefixLength == 0 ? 0 : address & (uint.MaxValue << (32 - prefixLength));

    protected override uint Mark(uint mark) => mark;

    protected override ConnectionTable<uint> NewTable(int capacity = 16, int seed = 12345) =>
        new ConnectionTable(capacity, ConnectionTimeouts.Default, seed);

    [Fact]
    public void MemoryPerConnectionIsWithinBudget()
    {
        Assert.Equal(48, Unsafe.SizeOf<ConnectionEntry<uint>>());
        Assert.Equal(48 + IntPtr.Size + 16, ConnectionTable.BytesPerEntry);
        Assert.True(ConnectionTable.BytesPerEntry <= 128);

        var table = new ConnectionTable(1 << 16, ConnectionTimeouts.Default, 1);
        Assert.Equal((long)ConnectionTable.BytesPerEntry << 16, table.AllocatedBytes);

        // Worst power-of-two rounding still fits.
        var odd = new ConnectionTable((1 << 16) + 1, ConnectionTimeouts.Default, 1);
        Assert.True(odd.AllocatedBytes / odd.Capacity <= 128 - 40);
    }
}
