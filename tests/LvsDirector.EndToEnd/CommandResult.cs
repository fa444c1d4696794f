namespace LvsDirector.EndToEnd;

/// <summary>Outcome of one bounded external command.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string StdOut, string StdErr, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>Everything needed to understand a failure in one assertion message.</summary>
    public string Describe() =>
        $"`{CommandLine}` -> exit {ExitCode}{(TimedOut ? " (timed out)" : "")}\nstdout:\n{StdOut}\nstderr:\n{StdErr}";

    public CommandResult EnsureSuccess()
    {
        if (!Succeeded)
        {
            throw new InvalidOperationException(Describe());
        }

        return this;
    }
}
