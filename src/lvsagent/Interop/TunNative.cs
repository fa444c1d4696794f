namespace LvsDirector.Agent.Interop;

/// <summary>Constants of linux/if_tun.h and fcntl.h used to open a TUN device.</summary>
internal static class TunNative
{
    public const string LibraryName = "libc";
    public const int ReadWrite = 2;
    public const int CloseOnExec = 0x80000;

    /// <summary>_IOW('T', 202, int).</summary>
    public const uint TunSetIff = 0x400454CA;

    public const short IffTun = 0x0001;
    public const short IffNoPi = 0x1000;
}
