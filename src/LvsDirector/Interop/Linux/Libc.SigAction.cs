using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

internal static partial class Libc
{
    /// <summary>Reads (<paramref name="action"/> null) and/or replaces the disposition of <paramref name="signal"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "sigaction", SetLastError = true)]
    internal static unsafe partial int SigAction(int signal, SigAction* action, SigAction* previous);
}
