namespace LvsDirector.Health;

/// <summary>Hears from a <see cref="HealthMonitor"/>; called on the monitor's loop, one call at a time per monitor.</summary>
public interface IHealthObserver
{
    /// <summary>Every check's result (for counters; never log here).</summary>
    void OnChecked(HealthMonitor monitor, HealthCheckResult result);

    /// <summary>The server went up or down.</summary>
    void OnTransition(HealthMonitor monitor, HealthTransition transition);
}
