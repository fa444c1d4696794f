using System.ComponentModel;
using System.Runtime.InteropServices;
using LvsDirector.Agent.Interop;
using Microsoft.Win32.SafeHandles;

namespace LvsDirector.Agent;

/// <summary>A layer-3 TUN device (IFF_TUN | IFF_NO_PI): every write is one IPv4 packet the local kernel receives.</summary>
internal sealed class TunDevice : IDisposable
{
    private readonly SafeFileHandle _handle;

    private TunDevice(SafeFileHandle handle, string name)
    {
        _handle = handle;
        Name = name;
    }

    public string Name { get; }

    /// <summary>Attaches to the device <paramref name="name"/> (a persistent one made by <c>lvsagent setup</c>, or a new one that lives as long as this process).</summary>
    public static TunDevice Open(string name)
    {
        var handle = TunNativeMethods.Open("/dev/net/tun", TunNative.ReadWrite | TunNative.CloseOnExec);
        if (handle.IsInvalid)
        {
            var errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw new Win32Exception(errno, "open /dev/net/tun");
        }

        var request = TunIfReq.For(name, TunNative.IffTun | TunNative.IffNoPi);
        if (TunNativeMethods.Ioctl(handle, TunNative.TunSetIff, ref request) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw new Win32Exception(errno, $"TUNSETIFF {name}");
        }

        return new TunDevice(handle, name);
    }

    /// <summary>Hands one IPv4 packet to the kernel; false when the kernel refused it (e.g. the device is down).</summary>
    public bool Write(ReadOnlySpan<byte> packet) => TunNativeMethods.Write(_handle, packet, (nuint)packet.Length) == packet.Length;

    public void Dispose() => _handle.Dispose();
}
