using System.Runtime.InteropServices;
using LvsDirector.Interop.Linux;

namespace LvsDirector.Io;

/// <summary>
/// Signal dispositions a process inherits from whoever started it. A signal ignored across exec (nohup, a shell's
/// background job, some supervisors) stays ignored, and .NET's PosixSignalRegistration then never installs its
/// handler: it keeps inherited ignores on purpose. A daemon that uses a signal as a command takes it back.
/// </summary>
public static class InheritedSignalDisposition
{
    /// <summary>
    /// Sets <paramref name="signal"/> back to its default action if it is ignored, so a PosixSignalRegistration made
    /// right after can catch it. True when it was ignored. Leaves a signal that has a handler alone. Takes SIGHUP or,
    /// as PosixSignalRegistration does, a raw signal number cast to <see cref="PosixSignal"/>.
    /// </summary>
    public static unsafe bool RestoreDefaultIfIgnored(PosixSignal signal)
    {
        int number = signal switch
        {
            PosixSignal.SIGHUP => LinuxConstants.SigHup,
            > 0 => (int)signal,
            _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "Only SIGHUP or a raw signal number."),
        };

        SigAction current;
        Check(Libc.SigAction(number, null, &current), number);
        if (current.Handler != SigAction.Ignore)
        {
            return false;
        }

        SigAction defaultAction = default;
        Check(Libc.SigAction(number, &defaultAction, null), number);
        return true;
    }

    private static void Check(int result, int number)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"sigaction({number}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }
}
