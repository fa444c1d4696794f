using LvsDirector.Scheduling;

namespace LvsDirector.Tests.Scheduling;

internal static class SchedulerTestHelpers
{
    public static TestDestination[] Make(params int[] weights)
    {
        var result = new TestDestination[weights.Length];
        for (int i = 0; i < weights.Length; i++)
        {
            result[i] = new TestDestination(((char)('A' + i)).ToString(), weights[i], 0xC6120000u + (uint)i);
        }

        return result;
    }

    /// <summary>
    /// Names of the next <paramref name="count"/> picks, each pick opening an active connection on the chosen
    /// server, as the connection table would.
    /// </summary>
    public static string Connect(Scheduler scheduler, int count)
    {
        var input = new ScheduleInput(0xC6130001, 0xC6120064, 40000, 80, 6);
        var names = new string[count];
        for (int i = 0; i < count; i++)
        {
            var picked = scheduler.Schedule(in input);
            picked?.AddActive(1);
            names[i] = picked is TestDestination d ? d.Name : "-";
        }

        return string.Join(' ', names);
    }

    /// <summary>How many of <paramref name="count"/> connections each destination receives (in list order).</summary>
    public static int[] ConnectCounts(Scheduler scheduler, IReadOnlyList<SchedulerDestination> destinations, int count)
    {
        var input = new ScheduleInput(0xC6130001, 0xC6120064, 40000, 80, 6);
        var counts = new int[destinations.Count];
        for (int i = 0; i < count; i++)
        {
            var picked = scheduler.Schedule(in input)!;
            picked.AddActive(1);
            for (int k = 0; k < destinations.Count; k++)
            {
                if (ReferenceEquals(destinations[k], picked))
                {
                    counts[k]++;
                }
            }
        }

        return counts;
    }

    public static T Create<T>(IReadOnlyList<SchedulerDestination> destinations)
        where T : Scheduler, new()
    {
        var scheduler = new T();
        scheduler.Update(destinations);
        return scheduler;
    }

    /// <summary>Names of the next <paramref name="count"/> picks, "-" for null.</summary>
    public static string Picks(Scheduler scheduler, int count)
    {
        var input = new ScheduleInput(0xC6130001, 0xC6120064, 40000, 80, 6);
        var names = new string[count];
        for (int i = 0; i < count; i++)
        {
            names[i] = scheduler.Schedule(in input) is TestDestination d ? d.Name : "-";
        }

        return string.Join(' ', names);
    }

    /// <summary>Runs <paramref name="worker"/> on <paramref name="count"/> threads at once (each given its number) and waits for all.</summary>
    public static void RunOnThreads(int count, Action<int> worker)
    {
        var threads = Enumerable.Range(0, count).Select(t => new Thread(() => worker(t))).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }
}
