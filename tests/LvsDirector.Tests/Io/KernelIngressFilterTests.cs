using System.Globalization;
using LvsDirector.Io;
using LvsDirector.Tests.HighAvailability;

namespace LvsDirector.Tests.Io;

/// <summary>
/// The tc side of the kernel ingress filter on a real veth in a namespace of its own: installed, replaced, removed,
/// leftovers of a killed lvsd taken over, other filters left alone, and the ordering it relies on checked on this
/// kernel: an AF_PACKET socket still gets a frame the filter drops, the IP stack no longer counts it.
/// </summary>
public sealed class KernelIngressFilterTests
{
    private const uint Foreign = 0xC612_0009;  // VethLab.ForeignAddress, reached through va, received on vb
    private static readonly IngressDropRules DropForeign = new([(0xE000_0000, 3)], [], [(Foreign, 32)], [], [], []);
    private static readonly IngressDropRules DropNothing = DropForeign with { Virtual4 = [] };

    [RootFact]
    public void Install_puts_lvsds_filter_on_ingress_update_replaces_it_remove_takes_it_and_its_qdisc_away()
    {
        using var lab = VethLab.Create();
        var logger = new RecordingLogger();
        var filter = lab.Namespace.Enter(() => KernelIngressFilter.Install([VethLab.B], DropForeign, logger));

        Assert.Contains("qdisc clsact", Tc(lab, "qdisc", "show", "dev", VethLab.B), StringComparison.Ordinal);
        var shown = Tc(lab, "filter", "show", "dev", VethLab.B, "ingress");
        Assert.Contains("pref 65000 bpf", shown, StringComparison.Ordinal);
        Assert.Contains("direct-action", shown, StringComparison.Ordinal);
        Assert.Contains(filter.Bytecode, shown, StringComparison.Ordinal);
        Assert.Contains(logger.Lines, l => l.EventId == 2200 && l.Message.Contains(VethLab.B, StringComparison.Ordinal));

        var wider = DropForeign with { Virtual4 = [(Foreign, 32), (0xC612_0063, 32)] };
        lab.Namespace.Enter(() =>
        {
            filter.Update(wider);
            return 0;
        });
        shown = Tc(lab, "filter", "show", "dev", VethLab.B, "ingress");
        Assert.Contains(ClassicBpfInstruction.ToTcBytecode(IngressFilterCompiler.Compile(wider)), shown, StringComparison.Ordinal);
        Assert.Single(shown.Split('\n'), l => l.Contains("handle 0x1", StringComparison.Ordinal));

        lab.Namespace.Enter(() =>
        {
            filter.Update(DropNothing);
            return 0;
        });
        Assert.DoesNotContain("pref 65000", Tc(lab, "filter", "show", "dev", VethLab.B, "ingress"), StringComparison.Ordinal);

        lab.Namespace.Enter(() =>
        {
            filter.Update(DropForeign);
            filter.Remove();
            return 0;
        });
        Assert.Empty(Tc(lab, "filter", "show", "dev", VethLab.B, "ingress").Trim());
        Assert.DoesNotContain("clsact", Tc(lab, "qdisc", "show", "dev", VethLab.B), StringComparison.Ordinal);
        Assert.Contains(logger.Lines, l => l.EventId == 2207);
    }

    [RootFact]
    public void The_ip_stack_stops_seeing_dropped_frames_while_an_af_packet_socket_still_gets_them()
    {
        using var lab = VethLab.Create();
        using var link = lab.Open(VethLab.B);
        var payload = "lvsd-ingress-probe"u8.ToArray();
        bool IsProbe(byte[] frame) => frame.AsSpan().IndexOf(payload) >= 0;

        // Without the filter every frame to the foreign address ends in the kernel's IP stack as an address error.
        var before = AddressErrors(lab);
        Assert.Equal(20, SendAndCapture(lab, link, payload, IsProbe));
        Assert.Equal(20, AddressErrors(lab) - before);

        var filter = lab.Namespace.Enter(() => KernelIngressFilter.Install([VethLab.B], DropForeign, new RecordingLogger()));
        before = AddressErrors(lab);
        Assert.Equal(20, SendAndCapture(lab, link, payload, IsProbe));
        Assert.Equal(0, AddressErrors(lab) - before);
        Assert.Contains("pref 65000", Tc(lab, "-s", "filter", "show", "dev", VethLab.B, "ingress"), StringComparison.Ordinal);
        lab.Namespace.Enter(() =>
        {
            filter.Remove();
            return 0;
        });
    }

    [RootFact]
    public void A_filter_left_by_a_killed_lvsd_is_taken_over_and_other_filters_are_left_alone()
    {
        using var lab = VethLab.Create();

        // An operator's own clsact and filter, then an lvsd that dies without removing its filter.
        Tc(lab, "qdisc", "add", "dev", VethLab.A, "clsact");
        Tc(lab, "filter", "add", "dev", VethLab.A, "ingress", "pref", "10", "bpf", "da", "bytecode", "1,6 0 0 4294967295");
        lab.Namespace.Enter(() => KernelIngressFilter.Install([VethLab.A, VethLab.B], DropForeign, new RecordingLogger()));

        var logger = new RecordingLogger();
        var wider = DropForeign with { Virtual4 = [(Foreign, 32), (0xC612_0063, 32)] };
        var next = lab.Namespace.Enter(() => KernelIngressFilter.Install([VethLab.A, VethLab.B], wider, logger));

        Assert.Equal(2, logger.Lines.Count(l => l.EventId == 2203));
        foreach (var name in new[] { VethLab.A, VethLab.B })
        {
            var shown = Tc(lab, "filter", "show", "dev", name, "ingress");
            Assert.Single(shown.Split('\n'), l => l.Contains("pref 65000", StringComparison.Ordinal) && l.Contains("handle", StringComparison.Ordinal));
            Assert.Contains(next.Bytecode, shown, StringComparison.Ordinal);
        }

        lab.Namespace.Enter(() =>
        {
            next.Remove();
            return 0;
        });

        // The operator's filter and qdisc stay; the qdisc the first lvsd added on vb goes with lvsd's filter.
        var operators = Tc(lab, "filter", "show", "dev", VethLab.A, "ingress");
        Assert.Contains("pref 10 bpf", operators, StringComparison.Ordinal);
        Assert.DoesNotContain("pref 65000", operators, StringComparison.Ordinal);
        Assert.Contains("clsact", Tc(lab, "qdisc", "show", "dev", VethLab.A), StringComparison.Ordinal);
        Assert.DoesNotContain("clsact", Tc(lab, "qdisc", "show", "dev", VethLab.B), StringComparison.Ordinal);
    }

    [RootFact]
    public void Nothing_to_drop_adds_no_qdisc()
    {
        using var lab = VethLab.Create();
        var filter = lab.Namespace.Enter(() => KernelIngressFilter.Install([VethLab.B], DropNothing, new RecordingLogger()));

        Assert.Equal(string.Empty, filter.Bytecode);
        Assert.DoesNotContain("clsact", Tc(lab, "qdisc", "show", "dev", VethLab.B), StringComparison.Ordinal);
        Assert.Equal([VethLab.B], filter.ActiveInterfaces);
    }

    [Fact]
    public void Without_tc_lvsd_warns_once_and_goes_on_without_the_filter()
    {
        var logger = new RecordingLogger();
        var filter = KernelIngressFilter.Install(["eth-none0", "eth-none1"], DropForeign, logger, new TrafficControl("/nonexistent/lvsd-test/tc"));
        filter.Update(DropForeign with { Virtual4 = [(0xC612_0063, 32)] });
        filter.Remove();

        var warning = Assert.Single(logger.Lines);
        Assert.Equal(2201, warning.EventId);
        Assert.Contains("/nonexistent/lvsd-test/tc", warning.Message, StringComparison.Ordinal);
        Assert.Empty(filter.ActiveInterfaces);
        Assert.Equal(string.Empty, filter.Bytecode);
    }

    [RootFact]
    public void An_interface_the_kernel_cannot_filter_is_reported_and_left_alone()
    {
        using var lab = VethLab.Create();
        var logger = new RecordingLogger();
        var filter = lab.Namespace.Enter(() => KernelIngressFilter.Install(["lvsd-missing0", VethLab.B], DropForeign, logger));

        var warning = Assert.Single(logger.Lines, l => l.EventId == 2202);
        Assert.Contains("lvsd-missing0", warning.Message, StringComparison.Ordinal);
        Assert.Equal([VethLab.B], filter.ActiveInterfaces);
        Assert.Contains("pref 65000", Tc(lab, "filter", "show", "dev", VethLab.B, "ingress"), StringComparison.Ordinal);
        lab.Namespace.Enter(() =>
        {
            filter.Remove();
            return 0;
        });
    }

    /// <summary>Twenty datagrams from the namespace's kernel to the foreign address, captured on vb while they are sent.</summary>
    private static int SendAndCapture(VethLab lab, AfPacketLink link, byte[] payload, Func<byte[], bool> match)
    {
        var capture = Task.Run(() => VethLab.PollFor(link, match, TimeSpan.FromSeconds(5), stopAtFirst: false).Count);
        Thread.Sleep(200);
        for (var i = 0; i < 20; i++)
        {
            lab.SendUdpFromKernel(VethLab.ForeignAddress, 9000, payload);
        }

        return capture.GetAwaiter().GetResult();
    }

    private static string Tc(VethLab lab, params string[] arguments) => lab.Namespace.Exec("tc", arguments);

    /// <summary>IpInAddrErrors of the namespace: frames its IP stack took in for an address it does not have and could not forward.</summary>
    private static long AddressErrors(VethLab lab)
    {
        var ip = lab.Namespace.Exec("cat", "/proc/net/snmp").Split('\n').Where(l => l.StartsWith("Ip: ", StringComparison.Ordinal)).ToArray();
        var names = ip[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var values = ip[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(values[Array.IndexOf(names, "InAddrErrors")], CultureInfo.InvariantCulture);
    }
}
