namespace LvsDirector.Scheduling;

/// <summary>
/// A minimal non-reentrant spin lock for decisions that hold it for tens of nanoseconds: one compare-exchange to
/// enter and a plain release store to leave (a <see cref="Lock"/> pays a second atomic and a thread-id check on
/// exit). Waiters spin and yield, never sleep. A mutable struct: keep it in a non-readonly field.
/// </summary>
internal struct SpinGate
{
    private int _state;

    public void Enter()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            Contend();
        }
    }

    public void Exit() => Volatile.Write(ref _state, 0);

    private void Contend()
    {
        var spin = default(SpinWait);
        do
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        while (Volatile.Read(ref _state) != 0 || Interlocked.CompareExchange(ref _state, 1, 0) != 0);
    }
}
