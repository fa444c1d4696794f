using System.Runtime.InteropServices;
using LvsDirector.Interop.Linux;
using static LvsDirector.Interop.Linux.LinuxConstants;

namespace LvsDirector.Io;

/// <summary>
/// Switches off the offloads that merge frames into super-frames a forwarder cannot send on (GRO, LRO on receive;
/// TSO, GSO for what the host itself sends), as the kernel does for an interface that forwards. Uses the legacy
/// SIOCETHTOOL get/set commands, which every kernel still maps onto its feature flags.
/// </summary>
public static unsafe class InterfaceOffloads
{
    /// <summary>
    /// Best effort: returns one result per feature and never throws because a feature is unsupported or
    /// fixed; throws only when the interface does not exist in the calling thread's network namespace.
    /// </summary>
    public static IReadOnlyList<OffloadResult> DisableForwardingOffloads(string interfaceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        _ = InterfaceQueries.GetIndex(interfaceName);
        using var control = InterfaceQueries.OpenControlSocket();
        var socket = control.SafeHandle;
        return
        [
            Disable(socket, interfaceName, "gro", EthtoolGGro, EthtoolSGro),
            DisableLro(socket, interfaceName),
            Disable(socket, interfaceName, "tso", EthtoolGTso, EthtoolSTso),
            Disable(socket, interfaceName, "gso", EthtoolGGso, EthtoolSGso),
        ];
    }

    private static OffloadResult Disable(SafeHandle socket, string interfaceName, string feature, uint getCommand, uint setCommand)
    {
        var setErrno = Ethtool(socket, interfaceName, setCommand, 0, out _);
        var getErrno = Ethtool(socket, interfaceName, getCommand, 0, out var enabled);
        if (getErrno != 0)
        {
            return new OffloadResult(feature, IsOff: setErrno == 0, Error: $"reading {feature} state failed ({Errno.Describe(getErrno)})");
        }

        if (enabled == 0)
        {
            return new OffloadResult(feature, IsOff: true, Error: null);
        }

        var reason = setErrno == 0 ? "the driver kept it on (fixed feature)" : Errno.Describe(setErrno);
        return new OffloadResult(feature, IsOff: false, Error: $"could not switch {feature} off: {reason}");
    }

    private static OffloadResult DisableLro(SafeHandle socket, string interfaceName)
    {
        var getErrno = Ethtool(socket, interfaceName, EthtoolGFlags, 0, out var flags);
        if (getErrno == EOpNotSupp)
        {
            return new OffloadResult("lro", IsOff: true, Error: null);
        }

        if (getErrno != 0)
        {
            return new OffloadResult("lro", IsOff: false, Error: $"reading flags failed ({Errno.Describe(getErrno)})");
        }

        if ((flags & EthFlagLro) == 0)
        {
            return new OffloadResult("lro", IsOff: true, Error: null);
        }

        var setErrno = Ethtool(socket, interfaceName, EthtoolSFlags, flags & ~EthFlagLro, out _);
        return setErrno == 0
            ? new OffloadResult("lro", IsOff: true, Error: null)
            : new OffloadResult("lro", IsOff: false, Error: $"could not switch lro off: {Errno.Describe(setErrno)}");
    }

    /// <summary>Returns errno (0 on success); ENODEV means the interface vanished, which is worth an exception.</summary>
    private static int Ethtool(SafeHandle socket, string interfaceName, uint command, uint data, out uint result)
    {
        var value = new EthtoolValue { Command = command, Data = data };
        var request = IfReq.For(interfaceName);
        request.Data = &value;
        if (Libc.Ioctl(socket, SiocEthtool, &request) != 0)
        {
            var errno = Errno.Last;
            if (errno == ENoDev)
            {
                throw Errno.Exception("ioctl(SIOCETHTOOL)", interfaceName, errno);
            }

            result = 0;
            return errno;
        }

        result = value.Data;
        return 0;
    }
}
