namespace LvsDirector.Admin;

/// <summary>
/// ipvsadm's table of which option classes each command requires ('+'), forbids ('x'), allows (' ') or allows
/// only one of ('1'), and the checks and messages that go with it.
/// </summary>
internal static class OptionMatrix
{
    // Columns follow OptionBit:
    //                                        -n  -c svc  -s  -p  -M  -r fwd  -w  -x  -y  mc tot dmn  st  rt thr  pc srt sid  ex ops  pe  -b grp prt ttl siz tinf type tprt nocs csum remc
    private const string AddOrEdit =          "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx";
    private const string Delete =             "xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    private const string None =               "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    private const string List =               " 11xxxxxxxxx11     x xxxxxxx xxxxx";
    private const string AddOrEditServer =    "xx+xxx+    xxxxxxxxxxxxxxxxxx     ";
    private const string DeleteServer =       "xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx";
    private const string Save =               " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    private const string Zero =               "xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

    public static string CommandName(AdminCommandKind kind) => kind switch
    {
        AdminCommandKind.AddService => "add-service",
        AdminCommandKind.EditService => "edit-service",
        AdminCommandKind.DeleteService => "delete-service",
        AdminCommandKind.Clear => "flush",
        AdminCommandKind.List => "list",
        AdminCommandKind.AddServer => "add-server",
        AdminCommandKind.DeleteServer => "delete-server",
        AdminCommandKind.EditServer => "edit-server",
        AdminCommandKind.SetTimeouts => "set",
        AdminCommandKind.Restore => "restore",
        AdminCommandKind.Save => "save",
        AdminCommandKind.Zero => "zero",
        AdminCommandKind.Reload => "reload",
        _ => kind.ToString(),
    };

    public static string OptionName(OptionBit bit) => bit switch
    {
        OptionBit.Numeric => "numeric",
        OptionBit.Connection => "connection",
        OptionBit.Service => "service-address",
        OptionBit.Scheduler => "scheduler",
        OptionBit.Persistent => "persistent",
        OptionBit.Netmask => "netmask",
        OptionBit.Server => "real-server",
        OptionBit.Forward => "forwarding-method",
        OptionBit.Weight => "weight",
        OptionBit.UpperThreshold => "u-threshold",
        OptionBit.LowerThreshold => "l-threshold",
        OptionBit.McastInterface => "mcast-interface",
        OptionBit.Timeout => "timeout",
        OptionBit.Daemon => "daemon",
        OptionBit.Stats => "stats",
        OptionBit.Rate => "rate",
        OptionBit.Thresholds => "thresholds",
        OptionBit.PersistentConn => "persistent-conn",
        OptionBit.NoSort => "nosort",
        OptionBit.SyncId => "syncid",
        OptionBit.Exact => "exact",
        OptionBit.OnePacket => "ops",
        OptionBit.PersistenceEngine => "pe",
        OptionBit.SchedulerFlags => "sched-flags",
        OptionBit.McastGroup => "mcast-group",
        OptionBit.McastPort => "mcast-port",
        OptionBit.McastTtl => "mcast-ttl",
        OptionBit.SyncMaxlen => "sync-maxlen",
        OptionBit.TunInfo => "tun-info",
        OptionBit.TunType => "tun-type",
        OptionBit.TunPort => "tun-port",
        OptionBit.TunNoChecksum => "tun-nocsum",
        OptionBit.TunChecksum => "tun-csum",
        OptionBit.TunRemoteChecksum => "tun-remcsum",
        _ => bit.ToString(),
    };

    /// <summary>ipvsadm's generic_opt_check: throws the first complaint, scanning options in table order.</summary>
    public static void Check(AdminCommandKind kind, IReadOnlySet<OptionBit> given)
    {
        ArgumentNullException.ThrowIfNull(given);
        var row = RowFor(kind);
        OptionBit? firstExclusive = null;
        for (var column = 0; column < row.Length; column++)
        {
            var bit = (OptionBit)column;
            var rule = row[column];
            if (!given.Contains(bit))
            {
                if (rule == '+')
                {
                    throw CommandLineException.Fail(
                        $"You need to supply the '{OptionName(bit)}' option for the '{CommandName(kind)}' command");
                }

                continue;
            }

            if (rule == 'x')
            {
                throw CommandLineException.Fail($"Illegal '{OptionName(bit)}' option with the '{CommandName(kind)}' command");
            }

            if (rule == '1')
            {
                if (firstExclusive is { } first)
                {
                    throw CommandLineException.Fail(
                        $"The option '{OptionName(bit)}' conflicts with the '{OptionName(first)}' option in the '{CommandName(kind)}' command");
                }

                firstExclusive = bit;
            }
        }
    }

    private static string RowFor(AdminCommandKind kind) => kind switch
    {
        AdminCommandKind.AddService or AdminCommandKind.EditService => AddOrEdit,
        AdminCommandKind.DeleteService => Delete,
        AdminCommandKind.List => List,
        AdminCommandKind.AddServer or AdminCommandKind.EditServer => AddOrEditServer,
        AdminCommandKind.DeleteServer => DeleteServer,
        AdminCommandKind.Save => Save,
        AdminCommandKind.Zero => Zero,
        _ => None,
    };
}
