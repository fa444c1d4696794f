using LvsDirector.Scheduling;

namespace LvsDirector.Tests.Scheduling;

/// <summary>Every scheduler decides without allocating, with load moving between decisions as in real traffic.</summary>
public class SchedulerAllocationTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in SchedulerRegistry.Names.Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void MillionDecisionsAllocateNothing(string name)
    {
        Assert.True(SchedulerRegistry.TryCreate(name, SchedulerFlags.Fallback | SchedulerFlags.Port, out var scheduler));
        var d = Enumerable.Range(0, 200).Select(i => new TestDestination("S" + i, 1 + (i % 4), 0xC6120100u + (uint)i)).ToArray();
        d[3].Weight = 0;
        scheduler.Update(d);
        d[5].IsOverloaded = true;

        // lblc/lblcr cache 512 destination addresses; the warm-up creates them, the measured loop only reuses them.
        var inputs = new ScheduleInput[4096];
        var random = new Random(1);
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = new ScheduleInput((uint)random.Next(), 0xC6120000u + (uint)(i % 512), (ushort)random.Next(1024, 65536), 80, 6);
        }

        var allocated = AllocationProbe.Measure(count => Run(scheduler, d, inputs, count), warmupCount: 10_000, measuredCount: 1_000_000);
        Assert.Equal(0, allocated);
    }

    // Fully optimised from the start, so on-stack replacement of the long loop cannot allocate mid-measurement.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Run(Scheduler scheduler, TestDestination[] d, ScheduleInput[] inputs, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Step(scheduler, d, inputs, i);
        }
    }

    private static void Step(Scheduler scheduler, TestDestination[] d, ScheduleInput[] inputs, int i)
    {
        var picked = scheduler.Schedule(in inputs[i & (inputs.Length - 1)]);
        if (picked is not null)
        {
            picked.AddActive(1);
        }

        // Close one connection somewhere, so loads stay bounded and keep changing.
        var closing = d[(int)((uint)(i * 7919) % (uint)d.Length)];
        if (closing.ActiveConnections > 0)
        {
            closing.AddActive(-1);
            closing.AddInactive(1);
        }
        else if (closing.InactiveConnections > 0)
        {
            closing.AddInactive(-1);
        }
    }
}
