using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

/// <summary>
/// An AF_PACKET socket descriptor together with its mmap'ed receive ring, so the ring is unmapped before the
/// descriptor closes and neither can vanish while a caller holds a reference (DangerousAddRef) on the handle.
/// </summary>
internal sealed class SafePacketSocketHandle : SafeHandle
{
    private nint ringAddress;
    private nuint ringLength;

    public SafePacketSocketHandle()
        : base(-1, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle < 0;

    internal int Descriptor => (int)handle;

    /// <summary>Hands ownership of a mapping of this socket's ring to the handle.</summary>
    internal void AttachRing(nint address, nuint length)
    {
        ringAddress = address;
        ringLength = length;
    }

    protected override bool ReleaseHandle()
    {
        if (ringAddress != 0)
        {
            _ = Libc.Munmap(ringAddress, ringLength);
            ringAddress = 0;
        }

        return Libc.Close((int)handle) == 0;
    }
}
