using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using LvsDirector.Agent.Interop;
using LvsDirector.Forwarding;
using LvsDirector.Packets;

namespace LvsDirector.Agent;

/// <summary>
/// lvsagent run: the decapsulator of a real server whose kernel has no ipip (or ip6_tunnel) module. A raw IPv4 socket
/// of protocol 4 gets every IPIP packet addressed to this host (the kernel has reassembled outer fragments and, with a
/// raw listener, sends no protocol-unreachable); a raw IPv6 socket of protocol 41 gets every 6in6 packet, already
/// without its outer header; a UDP socket on the GUE port gets GUE. The inner packet, if it is addressed to one of the
/// VIPs, is written to the TUN device, so the kernel receives it as if it had arrived on an interface and answers the
/// client from the VIP.
/// </summary>
internal sealed class AgentRunner
{
    private const int BufferSize = 65536;
    private const int SolSocket = 1;
    private const int SoBindToDevice = 25;
    private const int AddressFamilyInet = 2;
    private const int AddressFamilyInet6 = 10;

    private readonly AgentCommand _command;
    private readonly TunDevice _tun;
    private readonly HashSet<uint> _vips;
    private readonly HashSet<UInt128> _vips6;
    private long _written;
    private long _rejected;

    public AgentRunner(AgentCommand command, TunDevice tun)
    {
        _command = command;
        _tun = tun;
        _vips = [.. command.Vips.Where(v => !AgentSetup.IsIpv6(v)).Select(Ipv4Address.FromIPAddress)];
        _vips6 = [.. command.Vips.Where(AgentSetup.IsIpv6).Select(Ipv6Address.FromIPAddress)];
    }

    private enum Tunnel
    {
        IpIp,
        Gue,
        SixInSix,
    }

    public bool HasIpv4 => _vips.Count > 0;

    public bool HasIpv6 => _vips6.Count > 0;

    public long Written => Interlocked.Read(ref _written);

    public long Rejected => Interlocked.Read(ref _rejected);

    public void Run(CancellationToken stop)
    {
        var sockets = new List<(Socket Socket, Tunnel Kind)>();
        try
        {
            if (HasIpv4)
            {
                sockets.Add((OpenRaw(AddressFamilyInet, IpProtocol.IpIp), Tunnel.IpIp));
                if (_command.GuePort != 0)
                {
                    var gue = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    sockets.Add((gue, Tunnel.Gue));
                    BindToDevice(gue);
                    gue.Bind(new IPEndPoint(IPAddress.Any, _command.GuePort));
                }
            }

            if (HasIpv6)
            {
                sockets.Add((OpenRaw(AddressFamilyInet6, IpProtocol.Ipv6Encap), Tunnel.SixInSix));
            }

            foreach (var (socket, kind) in sockets)
            {
                if (kind != Tunnel.Gue)
                {
                    BindToDevice(socket);
                }
            }

            using var registration = stop.Register(() =>
            {
                foreach (var (socket, _) in sockets)
                {
                    socket.Dispose();
                }
            });

            // One thread per socket but the last, which runs on the caller's.
            var threads = sockets.Take(sockets.Count - 1)
                .Select(s => new Thread(() => Loop(s.Socket, s.Kind)) { IsBackground = true, Name = "lvsagent-" + s.Kind })
                .ToList();
            threads.ForEach(t => t.Start());
            Loop(sockets[^1].Socket, sockets[^1].Kind);
            threads.ForEach(t => t.Join());
        }
        finally
        {
            foreach (var (socket, _) in sockets)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>Decides what one received IPIP or GUE datagram becomes; returns the inner packet or an empty span.</summary>
    internal ReadOnlySpan<byte> InnerPacket(ReadOnlySpan<byte> received, bool isGue)
    {
        int offset;
        int length;
        var result = isGue
            ? TunnelDecapsulator.TryDecapsulateGue(received, out offset, out length)
            : TunnelDecapsulator.TryDecapsulatePacket(received, 0, 0, out offset, out length, verifyChecksum: false);
        if (result != DecapsulationResult.Ok)
        {
            return default;
        }

        var inner = received.Slice(offset, length);

        // Only packets for our VIPs: anything else would let a sender inject arbitrary traffic into this host.
        return inner.Length >= 20 && inner[0] >> 4 == 4 && _vips.Contains(BinaryPrimitives.ReadUInt32BigEndian(inner[16..])) ? inner : default;
    }

    /// <summary>The inner packet of what a protocol-41 raw socket received, or an empty span.</summary>
    internal ReadOnlySpan<byte> InnerPacket6(ReadOnlySpan<byte> received) =>
        received[..SixInSixDecapsulator.InnerLength(received, _vips6)];

    private void Loop(Socket socket, Tunnel kind)
    {
        var buffer = new byte[BufferSize];
        while (true)
        {
            int n;
            try
            {
                n = socket.Receive(buffer);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }

            var received = buffer.AsSpan(0, n);
            var inner = kind == Tunnel.SixInSix ? InnerPacket6(received) : InnerPacket(received, kind == Tunnel.Gue);
            if (!inner.IsEmpty && _tun.Write(inner))
            {
                Interlocked.Increment(ref _written);
            }
            else
            {
                Interlocked.Increment(ref _rejected);
            }
        }
    }

    private static Socket OpenRaw(int family, int protocol)
    {
        const int SockRaw = 3;
        const int SockCloexec = 0x80000;
        var fd = TunNativeMethods.Socket(family, SockRaw | SockCloexec, protocol);
        if (fd < 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }

        return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
    }

    private void BindToDevice(Socket socket)
    {
        if (_command.Interface is { } name)
        {
            socket.SetRawSocketOption(SolSocket, SoBindToDevice, Encoding.ASCII.GetBytes(name + "\0"));
        }
    }
}
