using LvsDirector.Io;

namespace LvsDirector.Tests.Io;

public sealed class InterfaceOffloadsTests
{
    private static Dictionary<string, string> Features(VethLab lab, string interfaceName) =>
        lab.Namespace.Exec("ethtool", "-k", interfaceName)
            .Split('\n')
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim().Split(' ')[0]);

    [RootFact]
    public void DisableForwardingOffloads_TurnsOffGroTsoGso()
    {
        if (!File.Exists("/usr/sbin/ethtool") && !File.Exists("/sbin/ethtool"))
        {
            return; // the library call itself needs no ethtool binary; only this check does
        }

        using var lab = VethLab.Create();
        lab.Namespace.Exec("ethtool", "-K", VethLab.A, "gro", "on");
        var before = Features(lab, VethLab.A);
        Assert.Equal("on", before["tcp-segmentation-offload"]);
        Assert.Equal("on", before["generic-segmentation-offload"]);
        Assert.Equal("on", before["generic-receive-offload"]);

        var results = lab.Namespace.Enter(() => InterfaceOffloads.DisableForwardingOffloads(VethLab.A));

        var names = results.Select(r => r.Feature).ToList();
        Assert.Contains("rx-gro", names);
        Assert.Contains("rx-lro", names);
        Assert.Contains("tx-tcp-segmentation", names);
        Assert.Contains("tx-generic-segmentation", names);
        Assert.All(results, r => Assert.True(r.IsOff, $"{r.Feature}: {r.Error}"));
        var after = Features(lab, VethLab.A);
        Assert.Equal("off", after["tcp-segmentation-offload"]);
        Assert.Equal("off", after["generic-segmentation-offload"]);
        Assert.Equal("off", after["generic-receive-offload"]);
        Assert.Equal("off", after["large-receive-offload"]);
    }

    [RootFact]
    public void DisableForwardingOffloads_OnLoopback_DoesNotThrow()
    {
        using var lab = VethLab.Create();
        var results = lab.Namespace.Enter(() => InterfaceOffloads.DisableForwardingOffloads("lo"));
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.True(r.IsOff || r.Error is not null));
    }

    [Theory]
    [InlineData("rx-gro", true)]
    [InlineData("rx-lro", true)]
    [InlineData("tx-tcp-accecn-segmentation", true)]
    [InlineData("tx-generic-segmentation", true)]
    [InlineData("tx-checksum-ip-generic", false)]
    [InlineData("rx-checksum", false)]
    [InlineData("tx-gso-partial", false)]
    public void IsForwardingHazard_SelectsMergingFeaturesOnly(string feature, bool expected) =>
        Assert.Equal(expected, InterfaceOffloads.IsForwardingHazard(feature));

    [Fact]
    public void DisableForwardingOffloads_UnknownInterface_Throws()
    {
        var error = Assert.Throws<IOException>(() => InterfaceOffloads.DisableForwardingOffloads("nosuchlvs0"));
        Assert.Contains("nosuchlvs0", error.Message, StringComparison.Ordinal);
    }
}
