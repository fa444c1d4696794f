namespace LvsDirector.DataPath;

/// <summary>
/// How many ICMP errors (fragmentation-needed, Packet Too Big) one worker may still send: at most 100 per 100 ms, as
/// Linux rate-limits its own ICMP errors, so a flood of oversize packets cannot turn into a flood of answers. One
/// budget for both families.
/// </summary>
/// <remarks>Belongs to one worker thread: plain fields, no lock.</remarks>
internal sealed class IcmpBudget
{
    private const long WindowMs = 100;
    private const int PerWindow = 100;

    private long _windowEndMs;
    private int _remaining;

    /// <summary>Takes one error from the current window's budget; false when it is spent.</summary>
    public bool TryTake(long nowMs)
    {
        if (nowMs >= _windowEndMs)
        {
            _windowEndMs = nowMs + WindowMs;
            _remaining = PerWindow;
        }

        if (_remaining <= 0)
        {
            return false;
        }

        _remaining--;
        return true;
    }
}
