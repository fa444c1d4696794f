using System.ComponentModel;

namespace LvsDirector.Agent;

/// <summary>lvsagent: real-server side of LVS direct routing and tunnelling (see docs/forwarding.md).</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        AgentCommand command;
        try
        {
            command = AgentCommand.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine("lvsagent: " + e.Message);
            Console.Error.WriteLine(AgentCommand.Usage);
            return 2;
        }

        try
        {
            switch (command.Verb)
            {
                case "setup":
                    AgentSetup.Setup(command, Console.Out);
                    return 0;
                case "teardown":
                    AgentSetup.Teardown(command, Console.Out);
                    return 0;
                default:
                    return Run(command);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or Win32Exception
            or System.Net.Sockets.SocketException)
        {
            Console.Error.WriteLine("lvsagent: " + e.Message);
            return 1;
        }
    }

    private static int Run(AgentCommand command)
    {
        using var tun = TunDevice.Open(command.TunName);
        SystemSettings.Ip(true, "link", "set", "dev", command.TunName, "up");
        AgentSetup.DisableReversePathFilter(command.TunName);
        if (command.Vips.Any(AgentSetup.IsIpv6))
        {
            AgentSetup.EnableIpv6(command.TunName);
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        var runner = new AgentRunner(command, tun);
        var tunnels = (runner.HasIpv4 ? "IPIP" : string.Empty) + (runner.HasIpv4 && runner.HasIpv6 ? ", " : string.Empty)
            + (runner.HasIpv6 ? "6in6" : string.Empty) + (command.GuePort != 0 && runner.HasIpv4 ? $" and GUE (udp/{command.GuePort})" : string.Empty);
        Console.WriteLine($"lvsagent: decapsulating {tunnels} for {string.Join(", ", command.Vips)} into {command.TunName}");
        runner.Run(stop.Token);
        Console.WriteLine($"lvsagent: stopped; {runner.Written} packets delivered, {runner.Rejected} rejected");
        return 0;
    }
}
