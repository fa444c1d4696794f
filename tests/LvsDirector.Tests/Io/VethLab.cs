using System.Globalization;
using LvsDirector.Io;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Io;

/// <summary>
/// One namespace holding a veth pair va ↔ vb. va has 198.18.0.1/24 and a permanent neighbour 198.18.0.9 whose MAC
/// is vb's, so datagrams the kernel sends to 198.18.0.9 leave through va and arrive on vb (vb has no address, so
/// the kernel there ignores them). Offloads stay at their veth defaults (tx checksum, TSO, GSO on).
/// </summary>
internal sealed class VethLab : IDisposable
{
    public const string A = "va";
    public const string B = "vb";
    public const string AddressA = "198.18.0.1";
    public const string ForeignAddress = "198.18.0.9";

    public static readonly MacAddress MacA = MacAddress.Parse("02:00:00:00:00:0a");
    public static readonly MacAddress MacB = MacAddress.Parse("02:00:00:00:00:0b");

    /// <summary>Small frame ring for tests (1 MiB); super-frames still arrive whole through the copy path.</summary>
    public static readonly AfPacketOptions TestOptions = new() { FrameCount = 512 };

    /// <summary>A small TPACKET_V3 block ring whose blocks still hold a 64 KiB super-frame.</summary>
    public static readonly AfPacketOptions BlockTestOptions = new() { Ring = AfPacketRing.Blocks, BlockSize = 256 * 1024, BlockCount = 4, BlockRetireTimeoutMs = 1 };

    private VethLab(NetworkNamespace ns) => Namespace = ns;

    public NetworkNamespace Namespace { get; }

    public static VethLab Create()
    {
        var ns = NetworkNamespace.Create();
        try
        {
            // No IPv6 so no router solicitations or DAD probes wander through the captures.
            ns.Exec("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
            ns.Exec("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
            ns.Ip("link", "add", A, "address", MacA.ToString(), "type", "veth", "peer", "name", B, "address", MacB.ToString());
            ns.Ip("link", "set", "lo", "up");
            ns.Ip("link", "set", A, "up");
            ns.Ip("link", "set", B, "up");
            ns.Ip("addr", "add", AddressA + "/24", "dev", A);
            ns.Ip("neigh", "add", ForeignAddress, "lladdr", MacB.ToString(), "dev", A, "nud", "permanent");
            return new VethLab(ns);
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    public AfPacketLink Open(string interfaceName, AfPacketOptions? options = null) =>
        Namespace.Enter(() => AfPacketLink.Open(interfaceName, options ?? TestOptions));

    /// <summary>Has the namespace's kernel send one UDP datagram (from 198.18.0.1 via va).</summary>
    public void SendUdpFromKernel(string destination, int port, ReadOnlySpan<byte> payload) =>
        Namespace.Exec(
            "/usr/bin/python3",
            "-c",
            "import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(bytes.fromhex(sys.argv[1]), (sys.argv[2], int(sys.argv[3])))",
            Convert.ToHexString(payload),
            destination,
            port.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Has the kernel send one UDP GSO datagram (UDP_SEGMENT = 103, segments of <paramref name="segmentSize"/>):
    /// with the veth defaults it crosses the pair as a single super-frame.
    /// </summary>
    public void SendUdpSuperFrameFromKernel(string destination, int port, int segmentSize, ReadOnlySpan<byte> payload) =>
        Namespace.Exec(
            "/usr/bin/python3",
            "-c",
            "import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.setsockopt(17, 103, int(sys.argv[4])); s.sendto(bytes.fromhex(sys.argv[1]), (sys.argv[2], int(sys.argv[3])))",
            Convert.ToHexString(payload),
            destination,
            port.ToString(CultureInfo.InvariantCulture),
            segmentSize.ToString(CultureInfo.InvariantCulture));

    /// <summary>Polls until a frame matches or the time is up; returns the matches.</summary>
    public static List<(byte[] Frame, FrameFlags Flags)> PollFor(ILink link, Func<byte[], bool> match, TimeSpan time, bool stopAtFirst = true)
    {
        var sink = new CollectingSink();
        var deadline = DateTime.UtcNow + time;
        var matches = new List<(byte[], FrameFlags)>();
        while (DateTime.UtcNow < deadline)
        {
            link.Poll(sink, 20);
            matches.AddRange(sink.Frames.Where(f => match(f.Frame)));
            sink.Frames.Clear();
            if (stopAtFirst && matches.Count > 0)
            {
                break;
            }
        }

        return matches;
    }

    /// <summary>Sets the MTU of both ends (the kernel refuses to send or deliver longer frames).</summary>
    public void SetMtu(int mtu)
    {
        var value = mtu.ToString(CultureInfo.InvariantCulture);
        Namespace.Ip("link", "set", A, "mtu", value);
        Namespace.Ip("link", "set", B, "mtu", value);
    }

    public void Dispose() => Namespace.Dispose();
}
