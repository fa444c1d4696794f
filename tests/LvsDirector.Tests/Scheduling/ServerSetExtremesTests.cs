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
            // Few distinct weights and loads, so equal ratios (ties) are common and the tie rule is exercised.
            var destinations = new TestDestination[12];
            for (int i = 0; i < destinations.Length; i++)
            {
                destinations[i] = new TestDestination("D" + i, random.Next(0, 4));
                destinations[i].AddActive(random.Next(0, 4));
                destinations[i].AddInactive(random.Next(0, 3) * 128);
                destinations[i].IsOverloaded = random.Next(4) == 0;
            }

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
