using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using LvsDirector.Interop.Linux;
using LvsDirector.Packets;
using Microsoft.Extensions.Logging;

namespace LvsDirector.HighAvailability;

/// <summary>
/// VRRP over a raw IPv4 socket for protocol 112 (needs CAP_NET_RAW): bound to one interface (SO_BINDTODEVICE), joined
/// to 224.0.0.18 there, multicast loop off. Adverts are written whole (IP_HDRINCL) so TTL 255 and the source address the
/// v3 checksum covers are ours, not the routing code's choice.
/// </summary>
public sealed class VrrpSocketTransport : IVrrpTransport, IDisposable
{
    private const int SolSocket = 1;
    private const int SoBindToDevice = 25;
    private const int AfInet = 2;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Socket _socket;
    private readonly string _interface;
    private readonly uint _source;
    private readonly (uint Address, IPEndPoint EndPoint)[] _destinations;
    private readonly ILogger _logger;
    private readonly byte[] _sendBuffer = new byte[2048];
    private SocketError _lastError = SocketError.Success;

    private VrrpSocketTransport(Socket socket, string interfaceName, uint source, IReadOnlyList<uint> unicastPeers, ILogger logger)
    {
        _socket = socket;
        _interface = interfaceName;
        _source = source;
        _logger = logger;
        var destinations = unicastPeers.Count > 0 ? unicastPeers : [VrrpPacket.MulticastGroup];
        _destinations = [.. destinations.Select(d => (d, new IPEndPoint(Ipv4Address.ToIPAddress(d), 0)))];
    }

    /// <summary>
    /// The first IPv4 address the kernel has on <paramref name="interfaceName"/> (in this network namespace), the
    /// natural VRRP primary address; null when the interface has none or does not exist.
    /// </summary>
    public static uint? FindPrimaryAddress(string interfaceName)
    {
        var nic = Find(interfaceName);
        var address = nic?.GetIPProperties().UnicastAddresses
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
        return address is null ? null : Ipv4Address.FromIPAddress(address);
    }

    /// <summary>Opens the socket on <paramref name="interfaceName"/>; adverts go out from <paramref name="source"/>.</summary>
    public static VrrpSocketTransport Open(string interfaceName, uint source, IReadOnlyList<uint> unicastPeers, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        ArgumentNullException.ThrowIfNull(unicastPeers);
        ArgumentNullException.ThrowIfNull(logger);
        var nic = Find(interfaceName) ?? throw new InvalidOperationException($"VRRP interface '{interfaceName}' does not exist");
        var index = nic.GetIPProperties().GetIPv4Properties().Index;
        var socket = OpenRawSocket(interfaceName);
        try
        {
            socket.SetRawSocketOption(SolSocket, SoBindToDevice, Encoding.ASCII.GetBytes(interfaceName + "\0"));
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.HeaderIncluded, true);
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, false);
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership,
                new MulticastOption(Ipv4Address.ToIPAddress(VrrpPacket.MulticastGroup), index));
            return new VrrpSocketTransport(socket, interfaceName, source, unicastPeers, logger);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public bool Send(in VrrpAdvertisement advertisement)
    {
        var sent = false;
        foreach (var (address, endPoint) in _destinations)
        {
            var length = VrrpPacket.WriteIpv4(_sendBuffer, advertisement, _source, address);
            if (length == 0)
            {
                return false;
            }

            try
            {
                _socket.SendTo(_sendBuffer.AsSpan(0, length), SocketFlags.None, endPoint);
                sent = true;
                _lastError = SocketError.Success;
            }
            catch (SocketException ex)
            {
                // Logged when the error changes; the instance counts failures and logs their number.
                if (ex.SocketErrorCode != _lastError)
                {
                    _lastError = ex.SocketErrorCode;
                    var destination = Ipv4Address.Format(address);
                    VrrpLog.TransportSendFailed(_logger, _interface, destination, ex.Message);
                }
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }

        return sent;
    }

    /// <summary>Hands every received packet (IPv4 header included) to <paramref name="onPacket"/> until cancelled.</summary>
    public async Task ReceiveAsync(Action<ReadOnlyMemory<byte>> onPacket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onPacket);
        var buffer = new byte[65536];
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                onPacket(buffer.AsMemory(0, n));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                VrrpLog.ReceiveFailed(_logger, _interface, ex);
                await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _socket.Dispose();

    // new Socket(InterNetwork, Raw, (ProtocolType)112) fails with EPROTONOSUPPORT: .NET only maps the protocol numbers it
    // names. The kernel's socket is adopted instead.
    private static Socket OpenRawSocket(string interfaceName)
    {
        var fd = Libc.SocketDescriptor(AfInet, LinuxConstants.SockRaw | LinuxConstants.SockCloexec, VrrpPacket.Protocol);
        if (fd < 0)
        {
            throw Errno.LastException("socket(AF_INET, SOCK_RAW, 112)", interfaceName);
        }

        var handle = new SafeSocketHandle(fd, ownsHandle: true);
        try
        {
            return new Socket(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static NetworkInterface? Find(string interfaceName) =>
        NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => string.Equals(n.Name, interfaceName, StringComparison.Ordinal));
}
