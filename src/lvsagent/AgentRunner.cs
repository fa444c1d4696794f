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
/// lvsagent run: the decapsulator of a real server whose kernel has no ipip module. A raw IPv4 socket of protocol 4 gets
/// every IPIP packet addressed to this host (the kernel has reassembled outer fragments and, with a raw listener, sends
/// no protocol-unreachable); a UDP socket on the GUE port gets GUE. The inner packet, if it is addressed to one of the
/// VIPs, is written to the TUN device, so the kernel receives it as if it had arrived on an interface and answers the
/// client from the VIP.
/// </summary>
internal sealed class AgentRunner
{
    private const int BufferSize = 65536;
    private const int SolSocket = 1;
    private const int SoBindToDevice = 25;

    private readonly AgentCommand _command;
    private readonly TunDevice _tun;
    private readonly HashSet<uint> _vips;
    private long _written;
    private long _rejected;

    public AgentRunner(AgentCommand command, TunDevice tun)
    {
        _command = command;
        _tun = tun;
        _vips = [.. command.Vips.Select(Ipv4Address.FromIPAddress)];
    }

    public long Written => Interlocked.Read(ref _written);

    public long Rejected => Interlocked.Read(ref _rejected);

    public void Run(CancellationToken stop)
    {
        using var ipip = OpenRawIpip();
        BindToDevice(ipip);
        using var gue = _command.GuePort != 0 ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) : null;
        if (gue is not null)
        {
            BindToDevice(gue);
            gue.Bind(new IPEndPoint(IPAddress.Any, _command.GuePort));
        }

        using var registration = stop.Register(() =>
        {
            ipip.Dispose();
            gue?.Dispose();
        });

        var gueThread = gue is null ? null : new Thread(() => Loop(gue, isGue: true)) { IsBackground = true, Name = "lvsagent-gue" };
        gueThread?.Start();
        Loop(ipip, isGue: false);
        gueThread?.Join();
    }

    /// <summary>Decides what one received datagram becomes; returns the inner packet or an empty span.</summary>
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
        return _vips.Contains(BinaryPrimitives.ReadUInt32BigEndian(inner[16..])) ? inner : default;
    }

    private void Loop(Socket socket, bool isGue)
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

            var inner = InnerPacket(buffer.AsSpan(0, n), isGue);
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

    private static Socket OpenRawIpip()
    {
        const int AfInet = 2;
        const int SockRaw = 3;
        const int SockCloexec = 0x80000;
        var fd = TunNativeMethods.Socket(AfInet, SockRaw | SockCloexec, IpProtocol.IpIp);
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
