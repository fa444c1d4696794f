using LvsDirector.Health;

namespace LvsDirector.Tests.Health;

internal sealed class RecordingObserver : IHealthObserver
{
    private readonly Lock _gate = new();

    public List<HealthCheckResult> Results { get; } = [];

    public List<HealthTransition> Transitions { get; } = [];

    public void OnChecked(HealthMonitor monitor, HealthCheckResult result)
    {
        lock (_gate)
        {
            Results.Add(result);
        }
    }

    public void OnTransition(HealthMonitor monitor, HealthTransition transition)
    {
        lock (_gate)
        {
            Transitions.Add(transition);
        }
    }
}
