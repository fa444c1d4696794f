using LvsDirector.Control;

namespace LvsDirector.Tests.Control;

public sealed class ControlDefaultsTests
{
    [Fact]
    public void The_default_socket_is_under_run_lvsd()
    {
        Assert.Equal("/run/lvsd/lvsd.sock", ControlDefaults.ResolveSocketPath(null, _ => null));
    }

    [Fact]
    public void The_environment_overrides_the_default()
    {
        Assert.Equal("/tmp/env.sock", ControlDefaults.ResolveSocketPath(null, name => name == "LVSADM_SOCKET" ? "/tmp/env.sock" : null));
    }

    [Fact]
    public void An_explicit_path_overrides_the_environment()
    {
        Assert.Equal("/tmp/flag.sock", ControlDefaults.ResolveSocketPath("/tmp/flag.sock", _ => "/tmp/env.sock"));
    }

    [Fact]
    public void An_empty_environment_value_is_ignored()
    {
        Assert.Equal(ControlDefaults.SocketPath, ControlDefaults.ResolveSocketPath(string.Empty, _ => string.Empty));
    }
}
