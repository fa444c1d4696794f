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
    /// right after can catch it. True when it was ignored. Leaves a signal that has a handler alone.
    /// </summary>
    public static unsafe bool RestoreDefaultIfIgnored(int signal)
    {
        SigAction current;
        if (Libc.SigAction(signal, null, &current) != 0)
        {
            throw new InvalidOperationException($"sigaction({signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        if (current.Handler != SigAction.Ignore)
        {
            return false;
        }

        SigAction defaultAction = default;
        if (Libc.SigAction(signal, &defaultAction, null) != 0)
        {
            throw new InvalidOperationException($"sigaction({signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return true;
    }
}
