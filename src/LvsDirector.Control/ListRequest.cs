namespace LvsDirector.Control;

/// <summary>ipvsadm -L/-S: the whole table, or one service when Service is set (NoSuchService if it is missing).</summary>
public sealed record ListRequest(ControlServiceKey? Service = null) : ControlRequest
{
    /// <inheritdoc />
    public override string CommandName => "list";
}
