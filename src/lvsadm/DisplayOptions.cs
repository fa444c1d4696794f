namespace LvsDirector.Admin;

/// <summary>ipvsadm's FMT_* listing flags.</summary>
[Flags]
internal enum DisplayOptions
{
    None = 0,
    Numeric = 0x0001,

    /// <summary>-S: print rules that -R could read back.</summary>
    Rule = 0x0002,
    Stats = 0x0004,
    Rate = 0x0008,
    Thresholds = 0x0010,
    PersistentConn = 0x0020,
    NoSort = 0x0040,
    Exact = 0x0080,

    /// <summary>--tun-info: a TunnelInfo column.</summary>
    TunInfo = 0x0100,
}
