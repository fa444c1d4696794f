namespace LvsDirector.Admin;

/// <summary>The switches of ipvsadm 1.31 that lvsadm supports, plus --socket.</summary>
internal static class OptionTable
{
    public static IReadOnlyList<OptionSpec> All { get; } =
    [
        new(OptionId.AddService, "add-service", 'A', OptionArgument.None),
        new(OptionId.EditService, "edit-service", 'E', OptionArgument.None),
        new(OptionId.DeleteService, "delete-service", 'D', OptionArgument.None),
        new(OptionId.Clear, "clear", 'C', OptionArgument.None),
        new(OptionId.List, "list", 'L', OptionArgument.None),
        new(OptionId.List, "list", 'l', OptionArgument.None),
        new(OptionId.Zero, "zero", 'Z', OptionArgument.None),
        new(OptionId.AddServer, "add-server", 'a', OptionArgument.None),
        new(OptionId.EditServer, "edit-server", 'e', OptionArgument.None),
        new(OptionId.DeleteServer, "delete-server", 'd', OptionArgument.None),
        new(OptionId.Set, "set", null, OptionArgument.None),
        new(OptionId.Restore, "restore", 'R', OptionArgument.None),
        new(OptionId.Save, "save", 'S', OptionArgument.None),
        new(OptionId.Help, "help", 'h', OptionArgument.None),
        new(OptionId.Version, "version", 'v', OptionArgument.None),
        new(OptionId.TcpService, "tcp-service", 't', OptionArgument.Required),
        new(OptionId.UdpService, "udp-service", 'u', OptionArgument.Required),
        new(OptionId.FwmarkService, "fwmark-service", 'f', OptionArgument.Required),
        new(OptionId.Scheduler, "scheduler", 's', OptionArgument.Required),
        new(OptionId.Persistent, "persistent", 'p', OptionArgument.Optional),
        new(OptionId.Netmask, "netmask", 'M', OptionArgument.Required),
        new(OptionId.RealServer, "real-server", 'r', OptionArgument.Required),
        new(OptionId.Masquerading, "masquerading", 'm', OptionArgument.None),
        new(OptionId.Ipip, "ipip", 'i', OptionArgument.None),
        new(OptionId.Gatewaying, "gatewaying", 'g', OptionArgument.None),
        new(OptionId.Weight, "weight", 'w', OptionArgument.Required),
        new(OptionId.UpperThreshold, "u-threshold", 'x', OptionArgument.Required),
        new(OptionId.LowerThreshold, "l-threshold", 'y', OptionArgument.Required),
        new(OptionId.Numeric, "numeric", 'n', OptionArgument.None),
        new(OptionId.Connection, "connection", 'c', OptionArgument.None),
        new(OptionId.Timeout, "timeout", null, OptionArgument.None),
        new(OptionId.Stats, "stats", null, OptionArgument.None),
        new(OptionId.Rate, "rate", null, OptionArgument.None),
        new(OptionId.Thresholds, "thresholds", null, OptionArgument.None),
        new(OptionId.PersistentConn, "persistent-conn", null, OptionArgument.None),
        new(OptionId.NoSort, "nosort", null, OptionArgument.None),
        new(OptionId.Sort, "sort", null, OptionArgument.None),
        new(OptionId.Exact, "exact", 'X', OptionArgument.None),
        new(OptionId.Ipv6, "ipv6", '6', OptionArgument.None),
        new(OptionId.OnePacket, "ops", 'o', OptionArgument.None),
        new(OptionId.SchedulerFlags, "sched-flags", 'b', OptionArgument.Required),
        new(OptionId.PersistenceEngine, "pe", null, OptionArgument.Required),
        new(OptionId.Socket, "socket", null, OptionArgument.Required),
        new(OptionId.Reload, "reload", null, OptionArgument.None),
        new(OptionId.TunInfo, "tun-info", null, OptionArgument.None),
        new(OptionId.TunType, "tun-type", null, OptionArgument.Required),
        new(OptionId.TunPort, "tun-port", null, OptionArgument.Required),
        new(OptionId.TunNoChecksum, "tun-nocsum", null, OptionArgument.None),
        new(OptionId.TunChecksum, "tun-csum", null, OptionArgument.None),
        new(OptionId.TunRemoteChecksum, "tun-remcsum", null, OptionArgument.None),
    ];

    public static OptionSpec? FindLong(string name)
    {
        foreach (var spec in All)
        {
            if (string.Equals(spec.LongName, name, StringComparison.Ordinal))
            {
                return spec;
            }
        }

        return null;
    }

    public static OptionSpec? FindShort(char letter)
    {
        foreach (var spec in All)
        {
            if (spec.ShortName == letter)
            {
                return spec;
            }
        }

        return null;
    }
}
