namespace LvsDirector.Control;

/// <summary>
/// lvsadm --reload: have lvsd re-read its configuration file and apply the difference, as SIGHUP does. On refusal the
/// response's message holds every error, one per line; on success it holds the needs-restart warnings, if any.
/// </summary>
public sealed record ReloadRequest : ControlRequest
{
    /// <inheritdoc />
    public override string CommandName => "reload";
}
