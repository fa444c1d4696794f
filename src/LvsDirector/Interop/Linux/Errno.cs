using System.Globalization;
using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

/// <summary>Turns the errno of the last failed P/Invoke into an exception that names the call and the interface.</summary>
internal static class Errno
{
    internal static int Last => Marshal.GetLastPInvokeError();

    internal static string Describe(int errno) =>
        string.Create(CultureInfo.InvariantCulture, $"errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}");

    internal static IOException Exception(string call, string interfaceName, int errno) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{call} on interface '{interfaceName}' failed ({Describe(errno)})"), errno);

    internal static IOException LastException(string call, string interfaceName) => Exception(call, interfaceName, Last);
}
