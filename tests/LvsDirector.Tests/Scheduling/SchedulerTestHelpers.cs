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
}
