namespace LvsDirector.Health;

/// <summary>
/// Rise/fall counting: an up server goes down after <c>fall</c> consecutive failed checks, a down one comes up after
/// <c>rise</c> consecutive passed ones; any other result resets the opposite count. Driven by one monitor loop only.
/// </summary>
public sealed class HealthStateMachine
{
    private readonly int _rise;
    private readonly int _fall;
    private volatile bool _up;

    public HealthStateMachine(int rise, int fall, bool initiallyUp)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rise, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(fall, 1);
        _rise = rise;
        _fall = fall;
        _up = initiallyUp;
    }

    public bool IsUp => _up;

    public int ConsecutivePassed { get; private set; }

    public int ConsecutiveFailed { get; private set; }

    /// <summary>Counts one result; true when it changed the state.</summary>
    public bool Record(bool passed)
    {
        if (passed)
        {
            ConsecutivePassed++;
            ConsecutiveFailed = 0;
            if (!_up && ConsecutivePassed >= _rise)
            {
                _up = true;
                return true;
            }
        }
        else
        {
            ConsecutiveFailed++;
            ConsecutivePassed = 0;
            if (_up && ConsecutiveFailed >= _fall)
            {
                _up = false;
                return true;
            }
        }

        return false;
    }
}
