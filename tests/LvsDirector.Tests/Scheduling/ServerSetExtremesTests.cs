using LvsDirector.Scheduling;

namespace LvsDirector.Tests.Scheduling;

/// <summary>
/// lblcr's one-pass least/most member search against a literal reading of ip_vs_dest_set_min and ip_vs_dest_set_max
/// (first qualifying member, then strictly better ones by cross-multiplication), over random sets.
/// </summary>
public class ServerSetExtremesTests
{
    [Fact]
    public void Matches_the_kernels_two_scans_over_random_sets()
    {
        var random = new Random(5798);
        int leastFound = 0;
        int mostFound = 0;
        for (int trial = 0; trial < 20_000; trial++)
        {
            var destinations = RandomDestinations(random, 12, overloadedOneIn: 4);

            var members = Enumerable.Range(0, destinations.Length).OrderBy(_ => random.Next()).Take(random.Next(0, 9)).ToArray();
            int least = LocalityBasedLeastConnectionReplicationScheduler.SetExtremes(members, destinations, out int most);

            Assert.Equal(KernelSetMin(members, destinations), least);
            Assert.Equal(KernelSetMax(members, destinations), most);
            leastFound += least >= 0 ? 1 : 0;
            mostFound += most >= 0 ? 1 : 0;
        }

        // Both outcomes of each search occur, so the comparison above covered found and not found.
        Assert.InRange(leastFound, 1_000, 19_000);
        Assert.InRange(mostFound, 1_000, 19_000);
    }

    [Fact]
    public void Keyed_passes_match_the_kernels_two_scans_over_random_sets()
    {
        var random = new Random(5799);
        int keyed = 0;
        int handedBack = 0;
        for (int trial = 0; trial < 2_000; trial++)
        {
            // 40 destinations, so the block minimums span two blocks.
            var destinations = RandomDestinations(random, 40, overloadedOneIn: 8);

            var block = new LoadBlockMinimum<WeightedLeastConnectionPolicy>(
                destinations, destinations.Select(d => d.Weight).ToArray(), previousOwn: null, callerLocks: true);
            var weights = destinations.Select(d => d.Weight).ToArray();
            for (int round = 0; round < 10; round++)
            {
                // A move after the block was built, read back by the refresh as a decision would.
                var moved = destinations[random.Next(destinations.Length)];
                moved.AddActive(random.Next(0, 3));
                block.Refresh();

                // Stale values in the unused places, some outside the list, must not be read.
                var places = Enumerable.Range(0, 8).Select(_ => random.Next(0, 1_000)).ToArray();
                int size = random.Next(0, 9);
                var members = Enumerable.Range(0, destinations.Length).OrderBy(_ => random.Next()).Take(size).ToArray();
                members.CopyTo(places, 0);

                bool scalar = LocalityBasedLeastConnectionReplicationScheduler.SetExtremes(members, block, weights, out int least, out int most);
                if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
                {
                    bool vector = LocalityBasedLeastConnectionReplicationScheduler.SetExtremes(places, size, block, weights, out int vectorLeast, out int vectorMost);
                    Assert.Equal(scalar, vector);
                    if (vector)
                    {
                        Assert.Equal(least, vectorLeast);
                        Assert.Equal(most, vectorMost);
                    }
                }

                // An overloaded member with a weight has no key; both passes hand such sets back to the live reading.
                bool keyless = members.Any(m => destinations[m].IsOverloaded && destinations[m].Weight > 0);
                Assert.Equal(!keyless, scalar);
                if (!scalar)
                {
                    handedBack++;
                    continue;
                }

                keyed++;
                Assert.Equal(KernelSetMin(members, destinations), least);
                Assert.Equal(KernelSetMax(members, destinations), most);
            }
        }

        Assert.InRange(keyed, 2_000, 18_000);
        Assert.InRange(handedBack, 2_000, 18_000);
    }

    /// <summary>Few distinct weights and loads, so equal ratios (ties) are common and the tie rule is exercised.</summary>
    private static TestDestination[] RandomDestinations(Random random, int count, int overloadedOneIn)
    {
        var destinations = new TestDestination[count];
        for (int i = 0; i < destinations.Length; i++)
        {
            destinations[i] = new TestDestination("D" + i, random.Next(0, 4));
            destinations[i].AddActive(random.Next(0, 4));
            destinations[i].AddInactive(random.Next(0, 3) * 128);
            destinations[i].IsOverloaded = random.Next(overloadedOneIn) == 0;
        }

        return destinations;
    }

    private static long Overhead(SchedulerDestination d) => ((long)d.ActiveConnections << 8) + d.InactiveConnections;

    private static int KernelSetMin(int[] members, SchedulerDestination[] destinations)
    {
        int i = 0;
        for (; i < members.Length; i++)
        {
            var d = destinations[members[i]];
            if (!d.IsOverloaded && d.Weight > 0)
            {
                break;
            }
        }

        if (i == members.Length)
        {
            return -1;
        }

        int least = members[i];
        for (i++; i < members.Length; i++)
        {
            var d = destinations[members[i]];
            if (!d.IsOverloaded && Overhead(destinations[least]) * d.Weight > Overhead(d) * destinations[least].Weight)
            {
                least = members[i];
            }
        }

        return least;
    }

    private static int KernelSetMax(int[] members, SchedulerDestination[] destinations)
    {
        int i = 0;
        while (i < members.Length && destinations[members[i]].Weight <= 0)
        {
            i++;
        }

        if (i == members.Length)
        {
            return -1;
        }

        int most = members[i];
        for (i++; i < members.Length; i++)
        {
            var d = destinations[members[i]];
            if (Overhead(destinations[most]) * d.Weight < Overhead(d) * destinations[most].Weight && d.Weight > 0)
            {
                most = members[i];
            }
        }

        return most;
    }
}
