namespace LvsDirector.Admin;

/// <summary>ipvsadm's exit statuses.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>exit(1): a listing could not be produced.</summary>
    public const int ListFailed = 1;

    /// <summary>fail(2, ...): bad usage, bad value, or the kernel (here: lvsd) cannot be reached.</summary>
    public const int Failure = 2;

    /// <summary>return -1 from main: popt errors, "Try ... -h", and a rejected change.</summary>
    public const int OperationFailed = 255;
}
