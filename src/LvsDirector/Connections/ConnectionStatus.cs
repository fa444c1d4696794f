namespace LvsDirector.Connections;

/// <summary>Per-connection flags, after IPVS's IP_VS_CONN_F_* where one exists.</summary>
[Flags]
public enum ConnectionStatus : byte
{
    None = 0,

    /// <summary>The slot holds a live connection.</summary>
    InUse = 1,

    /// <summary>Counted in the destination's inactive connections (IP_VS_CONN_F_INACTIVE), else in its active ones.</summary>
    Inactive = 2,

    /// <summary>
    /// No reply has passed the director (IP_VS_CONN_F_NOOUTPUT): inbound packets use the INPUT_ONLY table.
    /// Set for DR/TUN connections; cleared as soon as a reply is seen.
    /// </summary>
    NoOutput = 4,
}
