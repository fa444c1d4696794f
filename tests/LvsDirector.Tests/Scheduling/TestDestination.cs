using LvsDirector.Scheduling;

namespace LvsDirector.Tests.Scheduling;

/// <summary>A named destination for tests; the name makes expected sequences readable.</summary>
public sealed class TestDestination : SchedulerDestination
{
    public TestDestination(string name, int weight, uint address = 0xC6120000, ushort port = 80)
        : base(address, port, weight)
    {
        Name = name;
    }

    public string Name { get; }

    public override string ToString() => Name;
}
