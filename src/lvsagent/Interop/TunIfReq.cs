using System.Runtime.InteropServices;
using System.Text;

namespace LvsDirector.Agent.Interop;

/// <summary>struct ifreq as TUNSETIFF reads it: a 16-byte name, then ifr_flags (short), padded to 40 bytes.</summary>
[StructLayout(LayoutKind.Sequential, Size = 40)]
internal struct TunIfReq
{
    public ulong Name0;
    public ulong Name1;
    public short Flags;

    public static TunIfReq For(string name, short flags)
    {
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        if (!Encoding.ASCII.TryGetBytes(name, bytes[..15], out _))
        {
            throw new ArgumentException($"TUN device name '{name}' is longer than 15 bytes.", nameof(name));
        }

        return new TunIfReq
        {
            Name0 = BitConverter.ToUInt64(bytes),
            Name1 = BitConverter.ToUInt64(bytes[8..]),
            Flags = flags,
        };
    }
}
