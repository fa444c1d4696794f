namespace LvsDirector.Interop.Linux;

/// <summary>
/// glibc entry points, one per file (Libc.*.cs). Declarations follow the x86_64 Linux ABI; callers check the
/// result and read errno through <see cref="System.Runtime.InteropServices.Marshal.GetLastPInvokeError"/>.
/// </summary>
internal static partial class Libc
{
    // "libc.so.6" rather than "libc": on glibc systems "libc.so" is a linker script dlopen cannot load.
    internal const string LibraryName = "libc.so.6";
}
