using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using LvsDirector.Interop.Linux;
using static LvsDirector.Interop.Linux.LinuxConstants;

namespace LvsDirector.Io;

/// <summary>
/// Switches off the offloads that merge frames into super-frames a forwarder cannot send on: GRO and LRO on
/// receive, TSO/GSO (every tx-*-segmentation feature) for what the host itself sends.
/// </summary>
/// <remarks>
/// Uses the named feature set of SIOCETHTOOL (ETHTOOL_GSTRINGS/GFEATURES/SFEATURES) like ethtool -K does. The
/// legacy ETHTOOL_STSO/SGSO/SGRO commands are only a fallback: their fixed masks miss newer bits (on 6.18,
/// ETHTOOL_STSO leaves tx-tcp-accecn-segmentation on, and ethtool still reports TSO on).
/// </remarks>
public static unsafe class InterfaceOffloads
{
    /// <summary>
    /// Best effort: returns one result per targeted feature the interface has and never throws because a feature
    /// is unsupported or fixed; throws only when the interface does not exist in the calling thread's namespace.
    /// </summary>
    public static IReadOnlyList<OffloadResult> DisableForwardingOffloads(string interfaceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        _ = InterfaceQueries.GetIndex(interfaceName);
        using var control = InterfaceQueries.OpenControlSocket();
        var socket = control.SafeHandle;
        return DisableNamedFeatures(socket, interfaceName) ??
        [
            DisableLegacy(socket, interfaceName, "gro", EthtoolGGro, EthtoolSGro),
            DisableLegacyLro(socket, interfaceName),
            DisableLegacy(socket, interfaceName, "tso", EthtoolGTso, EthtoolSTso),
            DisableLegacy(socket, interfaceName, "gso", EthtoolGGso, EthtoolSGso),
        ];
    }

    internal static bool IsForwardingHazard(string feature) =>
        feature is "rx-gro" or "rx-lro" or "rx-gro-hw" or "rx-gro-list" or "rx-udp-gro-forwarding"
        || (feature.StartsWith("tx-", StringComparison.Ordinal) && feature.EndsWith("-segmentation", StringComparison.Ordinal));

    /// <summary>Null when the kernel or driver does not offer the named feature set.</summary>
    private static List<OffloadResult>? DisableNamedFeatures(SafeHandle socket, string interfaceName)
    {
        var info = new byte[20];
        BinaryPrimitives.WriteUInt32LittleEndian(info, EthtoolGSsetInfo);
        BinaryPrimitives.WriteUInt64LittleEndian(info.AsSpan(8), 1UL << (int)EthSsFeatures);
        if (Ethtool(socket, interfaceName, info) != 0
            || (BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(8)) & (1UL << (int)EthSsFeatures)) == 0)
        {
            return null;
        }

        var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(16));
        var strings = new byte[12 + (count * EthGStringLength)];
        BinaryPrimitives.WriteUInt32LittleEndian(strings, EthtoolGStrings);
        BinaryPrimitives.WriteUInt32LittleEndian(strings.AsSpan(4), EthSsFeatures);
        BinaryPrimitives.WriteUInt32LittleEndian(strings.AsSpan(8), (uint)count);
        if (Ethtool(socket, interfaceName, strings) != 0)
        {
            return null;
        }

        var targets = new List<(int Bit, string Name)>();
        for (var i = 0; i < count; i++)
        {
            var raw = strings.AsSpan(12 + (i * EthGStringLength), EthGStringLength);
            var end = raw.IndexOf((byte)0);
            var name = Encoding.ASCII.GetString(end < 0 ? raw : raw[..end]);
            if (IsForwardingHazard(name))
            {
                targets.Add((i, name));
            }
        }

        var blocks = (count + 31) / 32;
        var before = GetFeatures(socket, interfaceName, blocks);
        if (before is null)
        {
            return null;
        }

        var set = new byte[8 + (blocks * 8)];
        BinaryPrimitives.WriteUInt32LittleEndian(set, EthtoolSFeatures);
        BinaryPrimitives.WriteUInt32LittleEndian(set.AsSpan(4), (uint)blocks);
        foreach (var (bit, _) in targets)
        {
            // Only changeable features go in "valid"; requested stays 0, i.e. off.
            if ((Available(before, bit) & Mask(bit)) != 0)
            {
                var valid = set.AsSpan(8 + (bit / 32 * 8));
                BinaryPrimitives.WriteUInt32LittleEndian(valid, BinaryPrimitives.ReadUInt32LittleEndian(valid) | Mask(bit));
            }
        }

        var setErrno = Ethtool(socket, interfaceName, set);
        var after = GetFeatures(socket, interfaceName, blocks) ?? before;
        var results = new List<OffloadResult>(targets.Count);
        foreach (var (bit, name) in targets)
        {
            var active = (BinaryPrimitives.ReadUInt32LittleEndian(after.AsSpan(8 + (bit / 32 * 16) + 8)) & Mask(bit)) != 0;
            if (!active)
            {
                results.Add(new OffloadResult(name, IsOff: true, Error: null));
            }
            else if ((Available(before, bit) & Mask(bit)) == 0)
            {
                results.Add(new OffloadResult(name, IsOff: false, Error: "fixed on by the driver"));
            }
            else
            {
                var reason = setErrno != 0 ? Errno.Describe(setErrno) : "the driver kept it on";
                results.Add(new OffloadResult(name, IsOff: false, Error: $"could not switch it off: {reason}"));
            }
        }

        return results;
    }

    private static uint Mask(int bit) => 1u << (bit % 32);

    private static uint Available(byte[] features, int bit) =>
        BinaryPrimitives.ReadUInt32LittleEndian(features.AsSpan(8 + (bit / 32 * 16)));

    /// <summary>struct ethtool_gfeatures: cmd, size, then per 32 features {available, requested, active, never_changed}.</summary>
    private static byte[]? GetFeatures(SafeHandle socket, string interfaceName, int blocks)
    {
        var buffer = new byte[8 + (blocks * 16)];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, EthtoolGFeatures);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), (uint)blocks);
        return Ethtool(socket, interfaceName, buffer) == 0 ? buffer : null;
    }

    private static OffloadResult DisableLegacy(SafeHandle socket, string interfaceName, string feature, uint getCommand, uint setCommand)
    {
        var setErrno = EthtoolValue(socket, interfaceName, setCommand, 0, out _);
        var getErrno = EthtoolValue(socket, interfaceName, getCommand, 0, out var enabled);
        if (getErrno != 0)
        {
            return new OffloadResult(feature, IsOff: setErrno == 0, Error: setErrno == 0 ? null : $"reading {feature} state failed ({Errno.Describe(getErrno)})");
        }

        if (enabled == 0)
        {
            return new OffloadResult(feature, IsOff: true, Error: null);
        }

        var reason = setErrno == 0 ? "the driver kept it on" : Errno.Describe(setErrno);
        return new OffloadResult(feature, IsOff: false, Error: $"could not switch it off: {reason}");
    }

    private static OffloadResult DisableLegacyLro(SafeHandle socket, string interfaceName)
    {
        var getErrno = EthtoolValue(socket, interfaceName, EthtoolGFlags, 0, out var flags);
        if (getErrno == EOpNotSupp || (getErrno == 0 && (flags & EthFlagLro) == 0))
        {
            return new OffloadResult("lro", IsOff: true, Error: null);
        }

        if (getErrno != 0)
        {
            return new OffloadResult("lro", IsOff: false, Error: $"reading flags failed ({Errno.Describe(getErrno)})");
        }

        var setErrno = EthtoolValue(socket, interfaceName, EthtoolSFlags, flags & ~EthFlagLro, out _);
        return setErrno == 0
            ? new OffloadResult("lro", IsOff: true, Error: null)
            : new OffloadResult("lro", IsOff: false, Error: $"could not switch it off: {Errno.Describe(setErrno)}");
    }

    private static int EthtoolValue(SafeHandle socket, string interfaceName, uint command, uint data, out uint result)
    {
        var value = new EthtoolValue { Command = command, Data = data };
        var errno = Ethtool(socket, interfaceName, new Span<byte>(&value, sizeof(EthtoolValue)));
        result = value.Data;
        return errno;
    }

    /// <summary>
    /// One SIOCETHTOOL request with <paramref name="command"/> as ifr_data. Returns errno (0 on success; SFEATURES
    /// may return positive ETHTOOL_F_* flags, which are not errors). ENODEV becomes an exception.
    /// </summary>
    private static int Ethtool(SafeHandle socket, string interfaceName, Span<byte> command)
    {
        var request = IfReq.For(interfaceName);
        fixed (byte* data = command)
        {
            request.Data = data;
            if (Libc.Ioctl(socket, SiocEthtool, &request) >= 0)
            {
                return 0;
            }
        }

        var errno = Errno.Last;
        if (errno == ENoDev)
        {
            throw Errno.Exception("ioctl(SIOCETHTOOL)", interfaceName, errno);
        }

        return errno;
    }
}
