using System.Runtime.CompilerServices;
using LvsDirector.Neighbors;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Neighbors;

/// <summary>
/// Neighbour cache behaviour shared by ARP (<see cref="NeighborTableTests"/>) and Neighbor Discovery
/// (<see cref="Ipv6NeighborTableTests"/>), run once per family through the one generic table.
/// </summary>
public abstract class NeighborTableContractTests<TAddress>
    where TAddress : unmanaged, IEquatable<TAddress>
{
    private const long Reachable = 60_000;
    private const long Retry = 1_000;
    private const int MaxProbes = 3;
    private static readonly MacAddress MacA = new(0x02_00_00_00_00_0A);
    private static readonly MacAddress MacB = new(0x02_00_00_00_00_0B);

    protected abstract TAddress At(int n);

    protected abstract NeighborTable<TAddress> NewTable(int capacity = 64, int holdSlots = 4, int holdFrameSize = 128);

    [Fact]
    public void AnUnknownNeighbourIsProbedOncePerRetryIntervalUntilItAnswers()
    {
        var table = NewTable();
        Assert.False(table.TryResolve(At(1), 0, out _));
        Assert.Equal(1, table.Count);

        var targets = new TAddress[8];
        Assert.Equal(1, table.CollectProbes(0, targets));
        Assert.Equal(At(1), targets[0]);
        Assert.Equal(0, table.CollectProbes(Retry - 1, targets));
        Assert.Equal(1, table.CollectProbes(Retry, targets));

        Assert.False(table.Learn(At(1), MacA, Retry + 5, create: false));
        Assert.True(table.TryResolve(At(1), Retry + 5, out var mac));
        Assert.Equal(MacA, mac);
        Assert.Equal(0, table.CollectProbes(Retry * 3, targets));
    }

    [Fact]
    public void AnExpiredEntryStaysUsableWhileItIsReprobed()
    {
        var table = NewTable();
        table.Learn(At(2), MacA, 0, create: true);
        var targets = new TAddress[8];

        Assert.Equal(0, table.CollectProbes(Reachable - 1, targets));
        Assert.Equal(1, table.CollectProbes(Reachable, targets)); // due for a refresh
        Assert.Equal(At(2), targets[0]);
        Assert.True(table.TryResolve(At(2), Reachable + (Retry * MaxProbes) - 1, out var mac));
        Assert.Equal(MacA, mac);
        Assert.False(table.TryResolve(At(2), Reachable + (Retry * MaxProbes), out _));

        // A new answer, possibly a new MAC, makes it reachable again.
        table.Learn(At(2), MacB, Reachable + 4_000, create: false);
        Assert.True(table.TryResolve(At(2), Reachable + 4_001, out mac));
        Assert.Equal(MacB, mac);
    }

    [Fact]
    public void LearningWithoutCreateIgnoresStrangers()
    {
        var table = NewTable();
        Assert.False(table.Learn(At(3), MacA, 0, create: false));
        Assert.Equal(0, table.Count);
        Assert.False(table.TryResolve(At(3), 0, out _)); // now wanted, unresolved
        table.Learn(At(3), MacA, 0, create: false);
        Assert.True(table.TryResolve(At(3), 1, out _));
    }

    [Fact]
    public void OneFramePerNeighbourIsHeldUntilItResolves()
    {
        var table = NewTable(holdSlots: 2);
        byte[] first = [1, 2, 3];
        byte[] second = [4, 5, 6, 7];
        Assert.False(table.TryHold(At(4), first)); // not being resolved: nothing to wait for
        table.Want(At(4));
        table.Want(At(5));
        table.Want(At(6));
        Assert.True(table.TryHold(At(4), first));
        Assert.True(table.TryHold(At(4), second)); // replaces, same slot
        Assert.True(table.TryHold(At(5), first));
        Assert.False(table.TryHold(At(6), first)); // both slots taken
        Assert.False(table.TryHold(At(6), new byte[129])); // larger than a slot

        Assert.False(table.TryTakeHeld(At(4), out _, out _)); // not resolved yet
        Assert.True(table.Learn(At(4), MacB, 10, create: false));
        Assert.True(table.TryTakeHeld(At(4), out var frame, out var mac));
        Assert.Equal(second, frame.ToArray());
        Assert.Equal(MacB, mac);
        Assert.False(table.TryTakeHeld(At(4), out _, out _));
        Assert.True(table.TryHold(At(6), first)); // the slot came back
    }

    [Fact]
    public void ADeadNeighbourIsForgottenUnlessAFrameWaitsForIt()
    {
        var table = NewTable();
        table.Want(At(7));
        table.Want(At(8));
        Assert.True(table.TryHold(At(8), [9]));
        var targets = new TAddress[8];
        long now = 0;
        for (int round = 0; round < MaxProbes * 4; round++, now += Retry)
        {
            Assert.Equal(2, table.CollectProbes(now, targets));
        }

        // Removing one entry can shift the next into a slot this pass already visited; it is seen next time.
        table.CollectProbes(now, targets);
        table.CollectProbes(now + Retry, targets);
        Assert.Equal(1, table.Count);
        Assert.False(table.TryHold(At(7), [9]));
        Assert.True(table.Learn(At(8), MacA, now, create: false)); // its frame still waits
    }

    [Fact]
    public void AFullTableRefusesNewNeighboursButKeepsKnownOnes()
    {
        var table = NewTable(capacity: 16);
        for (int n = 0; n < 16; n++)
        {
            table.Learn(At(100 + n), MacA, 0, create: true);
        }

        Assert.Equal(16, table.Count);
        Assert.False(table.TryResolve(At(200), 1, out _));
        Assert.False(table.Learn(At(200), MacB, 1, create: true));
        Assert.Equal(16, table.Count);
        Assert.True(table.TryResolve(At(115), 1, out _));
    }

    [Fact]
    public void ForgettingKeepsEveryOtherNeighbourFindable()
    {
        // A small table with many live entries: linear-probe chains overlap, and removal must shift them back.
        var table = NewTable(capacity: 16);
        for (int n = 0; n < 12; n++)
        {
            if (n % 2 == 0)
            {
                table.Want(At(n)); // never answers
            }
            else
            {
                table.Learn(At(n), MacA, 0, create: true);
            }
        }

        var targets = new TAddress[16];
        long now = 0;
        for (int round = 0; round <= MaxProbes * 4; round++, now += Retry)
        {
            table.CollectProbes(now, targets);
        }

        // Removing one entry can shift the next into a slot this pass already visited; later passes see it.
        for (int extra = 0; extra < 3; extra++, now += Retry)
        {
            table.CollectProbes(now, targets);
        }

        Assert.Equal(6, table.Count);
        for (int n = 1; n < 12; n += 2)
        {
            Assert.True(table.TryResolve(At(n), 0, out var mac));
            Assert.Equal(MacA, mac);
        }

        Assert.Equal(6, table.Count); // resolving found them all, none was added again
        for (int n = 0; n < 12; n += 2)
        {
            Assert.False(table.TryHold(At(n), [1])); // forgotten: nothing to hold a frame for
        }
    }

    [Fact]
    public void ResolvingAndHoldingDoNotAllocate()
    {
        var table = NewTable(capacity: 256, holdSlots: 8);
        var targets = new TAddress[64];
        var addresses = Enumerable.Range(0, 200).Select(At).ToArray();
        byte[] frame = new byte[100];
        long allocated = AllocationProbe.Measure(Run, 20_000, 200_000);
        Assert.Equal(0, allocated);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Run(int iterations)
        {
            for (int n = 0; n < iterations; n++)
            {
                var address = addresses[n % addresses.Length];
                if (!table.TryResolve(address, n, out _))
                {
                    table.TryHold(address, frame);
                    if ((n & 7) == 0)
                    {
                        table.Learn(address, MacA, n, create: false);
                        table.TryTakeHeld(address, out _, out _);
                    }
                }

                if ((n & 255) == 0)
                {
                    table.CollectProbes(n, targets);
                }
            }
        }
    }
}
