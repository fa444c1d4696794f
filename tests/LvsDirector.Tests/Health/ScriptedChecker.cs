using LvsDirector.Health;

namespace LvsDirector.Tests.Health;

/// <summary>Answers checks from a script of pass/fail (the last entry repeats) and remembers when each ran.</summary>
internal sealed class ScriptedChecker : IHealthChecker
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private bool[] _script;
    private int _next;

    public ScriptedChecker(TimeProvider time, params bool[] script)
    {
        _time = time;
        _script = script;
    }

    public List<DateTimeOffset> Calls { get; } = [];

    /// <summary>When true, checks never finish by themselves (only the timeout ends them).</summary>
    public bool Hang { get; set; }

    public void Script(params bool[] script)
    {
        lock (_gate)
        {
            _script = script;
            _next = 0;
        }
    }

    public string Describe(HealthCheckTarget target) => $"scripted check of {target.EndPointText}";

    public async Task<HealthCheckResult> CheckAsync(HealthCheckTarget target, CancellationToken cancellationToken)
    {
        bool passed;
        lock (_gate)
        {
            Calls.Add(_time.GetUtcNow());
            passed = _script[Math.Min(_next, _script.Length - 1)];
            _next++;
        }

        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return passed ? HealthCheckResult.Pass("scripted pass") : HealthCheckResult.Fail("scripted failure");
    }
}
