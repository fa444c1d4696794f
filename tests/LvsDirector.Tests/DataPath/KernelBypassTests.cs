using System.Net;
using LvsDirector.DataPath;
using LvsDirector.Io;
using LvsDirector.Services;
using LvsDirector.Tests.HighAvailability;
using LvsDirector.Tests.Io;
using LvsDirector.Tests.Statistics;

namespace LvsDirector.Tests.DataPath;

/// <summary>
/// The kernel ingress filter follows the service table and the kernel's addresses by itself while the director runs,
/// on virtual time over a real veth: a change shows in tc within one check interval, an empty table takes the filter
/// off, Dispose removes it.
/// </summary>
public sealed class KernelBypassTests
{
    private static readonly ServiceKey Web = new(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.100"), 80);
    private static readonly ServiceKey Dns = new(ServiceProtocol.Udp, IPAddress.Parse("198.18.0.53"), 53);

    [RootFact]
    public void The_filter_follows_table_and_address_changes_and_goes_at_dispose()
    {
        using var lab = VethLab.Create();
        var time = new ManualTimeProvider();
        var table = new ServiceTable();
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(Web, "rr")));
        Assert.Equal(ServiceTableError.None, table.AddRealServer(Web, new RealServerSpec(IPAddress.Parse("198.18.0.50"), 80, 1, ForwardingMethod.Masquerade)));
        (IReadOnlyList<(uint, int)>, IReadOnlyList<(UInt128, int)>) addresses = ([(0xC612_0001, 24)], []);

        var bypass = lab.Namespace.Enter(() => new KernelBypass([VethLab.B], table, new RecordingLogger(), time, () => addresses));
        var first = bypass.Bytecode;
        Assert.NotEmpty(first);
        Assert.Contains(first, Filters(lab), StringComparison.Ordinal);

        // Nothing changed: nothing is rewritten.
        Advance(lab, time, KernelBypass.CheckInterval * 8);
        Assert.Equal(first, bypass.Bytecode);

        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(Dns, "rr")));
        Advance(lab, time, KernelBypass.CheckInterval);
        var withDns = bypass.Bytecode;
        Assert.NotEqual(first, withDns);
        Assert.Contains(withDns, Filters(lab), StringComparison.Ordinal);

        // An address the kernel gained is passed through once the addresses are read again (every fourth check).
        addresses = ([(0xC612_0001, 24), (0xC612_0107, 24)], []);
        Advance(lab, time, KernelBypass.CheckInterval * 4);
        Assert.NotEqual(withDns, bypass.Bytecode);
        Assert.Equal(IngressFilterCompiler.Continue, IngressFilterCompilerTests.Run(Compiled(bypass), IngressFilterCompilerTests.Udp4(0xC612_0032, 0xC612_0107)));

        table.Clear();
        Advance(lab, time, KernelBypass.CheckInterval);
        Assert.Equal(string.Empty, bypass.Bytecode);
        Assert.DoesNotContain("pref 65000", Filters(lab), StringComparison.Ordinal);

        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(Web, "rr")));
        lab.Namespace.Enter(() =>
        {
            bypass.Update();
            return 0;
        });
        Assert.Contains("pref 65000", Filters(lab), StringComparison.Ordinal);

        lab.Namespace.Enter(() =>
        {
            bypass.Dispose();
            return 0;
        });
        Assert.Empty(Filters(lab).Trim());
        Assert.Equal(0, time.ActiveTimers);
    }

    [RootFact]
    public void Without_the_kernels_addresses_nothing_is_dropped_until_they_can_be_read()
    {
        using var lab = VethLab.Create();
        var time = new ManualTimeProvider();
        var table = new ServiceTable();
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(Web, "rr")));
        Assert.Equal(ServiceTableError.None, table.AddRealServer(Web, new RealServerSpec(IPAddress.Parse("198.18.0.50"), 80, 1, ForwardingMethod.Masquerade)));
        var readable = false;
        var logger = new RecordingLogger();
        (IReadOnlyList<(uint, int)>, IReadOnlyList<(UInt128, int)>) Addresses() =>
            readable ? ([(0xC612_0001, 24)], []) : throw new IOException("getifaddrs failed (test)");

        var bypass = lab.Namespace.Enter(() => new KernelBypass([VethLab.B], table, logger, time, Addresses));
        Advance(lab, time, KernelBypass.CheckInterval * 8);

        // A NAT rule without the local addresses would drop the health checks' answers: no filter at all instead.
        Assert.Equal(string.Empty, bypass.Bytecode);
        Assert.DoesNotContain("pref 65000", Filters(lab), StringComparison.Ordinal);
        Assert.Single(logger.Lines, l => l.EventId == 2209);

        readable = true;
        Advance(lab, time, KernelBypass.CheckInterval);
        Assert.NotEmpty(bypass.Bytecode);
        Assert.Contains(bypass.Bytecode, Filters(lab), StringComparison.Ordinal);
        lab.Namespace.Enter(() =>
        {
            bypass.Dispose();
            return 0;
        });
    }

    private static void Advance(VethLab lab, ManualTimeProvider time, TimeSpan by) =>
        lab.Namespace.Enter(() =>
        {
            time.Advance(by);
            return 0;
        });

    private static string Filters(VethLab lab) => lab.Namespace.Exec("tc", "filter", "show", "dev", VethLab.B, "ingress");

    /// <summary>The program in force, read back from its tc bytecode text.</summary>
    private static ClassicBpfInstruction[] Compiled(KernelBypass bypass) =>
        bypass.Bytecode.Split(',').Skip(1).Select(q => q.Split(' ').Select(v => uint.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray())
            .Select(q => new ClassicBpfInstruction((ushort)q[0], (byte)q[1], (byte)q[2], q[3])).ToArray();
}
