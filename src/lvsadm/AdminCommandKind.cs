namespace LvsDirector.Admin;

/// <summary>The ipvsadm commands lvsadm understands; the order is ipvsadm's CMD_* order, which its messages use.</summary>
internal enum AdminCommandKind
{
    None,
    AddService,
    EditService,
    DeleteService,
    Clear,
    List,
    AddServer,
    DeleteServer,
    EditServer,
    SetTimeouts,
    Restore,
    Save,
    Zero,
    Help,
    Version,

    /// <summary>lvsadm only: have lvsd re-read its configuration file.</summary>
    Reload,
}
