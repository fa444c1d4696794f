using System.Runtime.InteropServices;
using System.Text;

namespace LvsDirector.Interop.Linux;

/// <summary>struct ifreq (40 bytes): a 16-byte name then a union, of which we use the hardware address, the MTU and ifr_data.</summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal unsafe struct IfReq
{
    internal const int NameCapacity = 16;

    [FieldOffset(0)]
    public fixed byte Name[NameCapacity];

    [FieldOffset(16)]
    public ushort AddressFamily;

    [FieldOffset(18)]
    public fixed byte AddressData[14];

    [FieldOffset(16)]
    public int Mtu;

    [FieldOffset(16)]
    public void* Data;

    /// <summary>Builds a request for <paramref name="interfaceName"/>; names must leave room for the terminating zero.</summary>
    internal static IfReq For(string interfaceName)
    {
        var request = default(IfReq);
        var name = new Span<byte>(request.Name, NameCapacity - 1);
        if (!Encoding.UTF8.TryGetBytes(interfaceName, name, out _))
        {
            throw new ArgumentException($"Interface name '{interfaceName}' is longer than {NameCapacity - 1} bytes.", nameof(interfaceName));
        }

        return request;
    }
}
