namespace LvsDirector.Admin;

/// <summary>Stops parsing the way ipvsadm's fail() and tryhelp_exit() stop the program.</summary>
internal sealed class CommandLineException : Exception
{
    public CommandLineException()
        : this("invalid command line", ExitCodes.Failure, showTryHelp: false)
    {
    }

    public CommandLineException(string message)
        : this(message, ExitCodes.Failure, showTryHelp: false)
    {
    }

    public CommandLineException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = ExitCodes.Failure;
    }

    private CommandLineException(string message, int exitCode, bool showTryHelp)
        : base(message)
    {
        ExitCode = exitCode;
        ShowTryHelp = showTryHelp;
    }

    /// <summary>The process exit status.</summary>
    public int ExitCode { get; }

    /// <summary>Print "Try `lvsadm -h' or 'lvsadm --help' for more information." instead of a message.</summary>
    public bool ShowTryHelp { get; }

    /// <summary>What ipvsadm writes to stderr for this failure, newline included.</summary>
    public string ErrorText(string program) =>
        ShowTryHelp ? $"Try `{program} -h' or '{program} --help' for more information.\n" : Message + "\n";

    /// <summary>ipvsadm's fail(2, message).</summary>
    public static CommandLineException Fail(string message) => new(message, ExitCodes.Failure, showTryHelp: false);

    /// <summary>popt's "option: error" report, exit 255.</summary>
    public static CommandLineException Popt(string optionText, string error) =>
        new($"{optionText}: {error}", ExitCodes.OperationFailed, showTryHelp: false);

    /// <summary>ipvsadm's tryhelp_exit(program, -1).</summary>
    public static CommandLineException TryHelp() => new(string.Empty, ExitCodes.OperationFailed, showTryHelp: true);
}
