namespace LvsDirector.Admin;

/// <summary>
/// ipvsadm's table of which option classes each command requires ('+'), forbids ('x'), allows (' ') or allows
/// only one of ('1'), and the checks and messages that go with it.
/// </summary>
internal static class OptionMatrix
{
    // Columns follow OptionBit:
    //                                        -n  -c svc  -s  -p  -M  -r fwd  -w  -x  -y  mc tot dmn  st  rt thr  pc srt sid  ex ops  pe  -b
    private const string AddOrEdit =          "xx+   xxxxxxxxxxxxxxx   ";
    private const string Delete =             "xx+xxxxxxxxxxxxxxxxxxxxx";
    private const string None =               "xxxxxxxxxxxxxxxxxxxxxxxx";
    private const string List =               " 11xxxxxxxxx11     x xxx";
    private const string AddOrEditServer =    "xx+xxx+    xxxxxxxxxxxxx";
    private const string DeleteServer =       "xx+xxx+xxxxxxxxxxxxxxxxx";
    private const string Save =               " xxxxxxxxxxxxxxxxxxxxxxx";
    private const string Zero =               "xx xxxxxxxxxxxxxxxxxxxxx";

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
