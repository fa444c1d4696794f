using System.Buffers.Binary;
using System.Net.Sockets;
using System.Numerics;
using System.Runtime.InteropServices;
using LvsDirector.Interop.Linux;
using LvsDirector.Packets;

namespace LvsDirector.Io;

/// <summary>Interface facts from the kernel, for the calling thread's network namespace.</summary>
internal static unsafe class InterfaceQueries
{
    internal static int GetIndex(string interfaceName)
    {
        var index = Libc.IfNameToIndex(interfaceName);
        if (index == 0)
        {
            throw Errno.LastException("if_nametoindex", interfaceName);
        }

        return checked((int)index);
    }

    /// <summary>A datagram socket is the cheapest handle the interface ioctls accept.</summary>
    internal static Socket OpenControlSocket() => new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    internal static MacAddress GetHardwareAddress(SafeHandle socket, string interfaceName)
    {
        var request = IfReq.For(interfaceName);
        if (Libc.Ioctl(socket, LinuxConstants.SiocGifHwAddr, &request) != 0)
        {
            throw Errno.LastException("ioctl(SIOCGIFHWADDR)", interfaceName);
        }

        return MacAddress.Read(new ReadOnlySpan<byte>(request.AddressData, 6));
    }

    internal static int GetMtu(SafeHandle socket, string interfaceName)
    {
        var request = IfReq.For(interfaceName);
        if (Libc.Ioctl(socket, LinuxConstants.SiocGifMtu, &request) != 0)
        {
            throw Errno.LastException("ioctl(SIOCGIFMTU)", interfaceName);
        }

        return request.Mtu;
    }

    internal static IReadOnlyList<(uint Address, int PrefixLength)> GetIpv4Addresses(string interfaceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        return ReadIpv4Addresses(interfaceName);
    }

    /// <summary>The IPv4 addresses of every interface of the calling thread's namespace (the kernel's local destinations).</summary>
    internal static IReadOnlyList<(uint Address, int PrefixLength)> GetAllIpv4Addresses() => ReadIpv4Addresses(null);

    /// <summary>The IPv6 addresses of every interface, link-local ones included.</summary>
    internal static IReadOnlyList<(UInt128 Address, int PrefixLength)> GetAllIpv6Addresses() => ReadIpv6Addresses(null);

    /// <summary>IPv6 addresses of an interface (link-local ones included) as (address, prefix length).</summary>
    internal static IReadOnlyList<(UInt128 Address, int PrefixLength)> GetIpv6Addresses(string interfaceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        return ReadIpv6Addresses(interfaceName);
    }

    /// <summary>Null <paramref name="interfaceName"/>: every interface.</summary>
    private static List<(uint Address, int PrefixLength)> ReadIpv4Addresses(string? interfaceName)
    {
        IfAddrs* list;
        if (Libc.GetIfAddrs(&list) != 0)
        {
            throw Errno.LastException("getifaddrs", interfaceName ?? "(all interfaces)");
        }

        try
        {
            var result = new List<(uint, int)>();
            for (var node = list; node != null; node = node->Next)
            {
                if (node->Address == null || node->Name == null
                    || *(ushort*)node->Address != LinuxConstants.AfInet
                    || (interfaceName is not null && Marshal.PtrToStringUTF8((nint)node->Name) != interfaceName))
                {
                    continue;
                }

                // sockaddr_in: family (2), port (2), then the address in network byte order.
                var address = BinaryPrimitives.ReadUInt32BigEndian(new ReadOnlySpan<byte>(node->Address + 4, 4));
                var mask = node->Netmask == null ? 0u : BinaryPrimitives.ReadUInt32BigEndian(new ReadOnlySpan<byte>(node->Netmask + 4, 4));
                result.Add((address, BitOperations.PopCount(mask)));
            }

            return result;
        }
        finally
        {
            Libc.FreeIfAddrs(list);
        }
    }

    private static List<(UInt128 Address, int PrefixLength)> ReadIpv6Addresses(string? interfaceName)
    {
        IfAddrs* list;
        if (Libc.GetIfAddrs(&list) != 0)
        {
            throw Errno.LastException("getifaddrs", interfaceName ?? "(all interfaces)");
        }

        try
        {
            var result = new List<(UInt128, int)>();
            for (var node = list; node != null; node = node->Next)
            {
                if (node->Address == null || node->Name == null
                    || *(ushort*)node->Address != LinuxConstants.AfInet6
                    || (interfaceName is not null && Marshal.PtrToStringUTF8((nint)node->Name) != interfaceName))
                {
                    continue;
                }

                // sockaddr_in6: family (2), port (2), flow info (4), then the 16 address bytes.
                var address = Ipv6Address.Read(new ReadOnlySpan<byte>(node->Address + 8, 16));
                var mask = node->Netmask == null ? UInt128.Zero : Ipv6Address.Read(new ReadOnlySpan<byte>(node->Netmask + 8, 16));
                result.Add((address, (int)UInt128.PopCount(mask)));
            }

            return result;
        }
        finally
        {
            Libc.FreeIfAddrs(list);
        }
    }
}
