using System.Globalization;

namespace LvsDirector.EndToEnd;

/// <summary>
/// tcpdump in a lab namespace for a bounded time, written to a file under the lab directory, then read back with
/// tcpdump filters or checked with tshark. A capture can lose packets itself when tcpdump falls behind its socket
/// buffer; it reports how many (<see cref="KernelDrops"/>), so a count taken from a lossy capture is not mistaken for
/// packets the data path lost.
/// </summary>
public sealed class PacketCapture
{
    private readonly Task<CommandResult> _run;

    private PacketCapture(string path, Task<CommandResult> run)
    {
        Path = path;
        _run = run;
    }

    public string Path { get; }

    /// <summary>Packets the kernel dropped before tcpdump read them ("N packets dropped by kernel"), once stopped; -1 if it did not say.</summary>
    public int KernelDrops { get; private set; } = -1;

    /// <summary>Starts capturing and gives tcpdump a moment to open its socket before traffic flows.</summary>
    public static async Task<PacketCapture> StartAsync(LabFixture lab, string node, string interfaceName, int seconds, string name, bool inboundOnly = false)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var path = System.IO.Path.Combine(lab.LabDirectory, name + ".pcap");
        // -B: a 32 MiB capture buffer (the default 2 MiB overflowed under an 8 MB upload of 64 KB super-frames).
        var command = new List<string> { "timeout", seconds.ToString(CultureInfo.InvariantCulture), "tcpdump", "-i", interfaceName, "-n", "-U", "-s", "0", "-B", "32768", "-w", path };
        if (inboundOnly)
        {
            command.AddRange(["-Q", "in"]);
        }

        var run = lab.RunIn(node, TimeSpan.FromSeconds(seconds + 10), [.. command]);
        await Task.Delay(1500);
        return new PacketCapture(path, run);
    }

    /// <summary>Waits for the capture to end (its time limit).</summary>
    public async Task StopAsync()
    {
        var result = await _run;
        Assert.True(File.Exists(Path), $"no capture written: {result.Describe()}");

        // tcpdump prints its statistics on stderr when timeout ends it.
        var match = System.Text.RegularExpressions.Regex.Match(result.StdErr, @"(\d+) packets? dropped by kernel");
        KernelDrops = match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
    }

    /// <summary>How many captured packets match a tcpdump filter.</summary>
    public async Task<int> CountAsync(string filter)
    {
        var result = await Shell.RunAsync("tcpdump", ["-r", Path, "-n", filter], TimeSpan.FromSeconds(20));
        result.EnsureSuccess();
        return result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    /// <summary>
    /// Packets tshark finds malformed or with a bad IPv4/TCP/UDP/ICMPv6 checksum (validation switched on), one line each.
    /// With <paramref name="fromMac"/>, only frames that MAC sent are judged: a kernel on a veth hands frames on with the
    /// transport checksum still to be filled in (CHECKSUM_PARTIAL), so frames the real servers' kernels sent straight to
    /// the client look bad in a capture although the wire would be fine; the director's frames must be complete.
    /// Transport checksums inside an ICMP error's quote are not judged: a quote is cut short and carries the checksum
    /// the offending packet had (as a kernel's own errors do); the ICMP checksum over it is.
    /// </summary>
    public async Task<string[]> FindBadPacketsAsync(string? fromMac = null)
    {
        var bad = "_ws.malformed || ip.checksum.status == \"Bad\" || icmpv6.checksum.status == \"Bad\""
            + " || ((tcp.checksum.status == \"Bad\" || udp.checksum.status == \"Bad\") && !icmp && !icmpv6)";
        var filter = fromMac is null ? bad : $"eth.src == {fromMac} && ({bad})";
        var result = await Shell.RunAsync("tshark",
        [
            // No TCP reassembly: a legitimate retransmission overlapping earlier data makes tshark's reassembly of
            // whatever it guesses runs on the port (9100 is "JetDirect") report "malformed", which says nothing about
            // the frames themselves.
            "-r", Path, "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
            "-o", "tcp.desegment_tcp_streams:FALSE",
            "-Y", filter,
        ], TimeSpan.FromSeconds(60));
        result.EnsureSuccess();
        return result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
