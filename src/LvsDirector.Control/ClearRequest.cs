namespace LvsDirector.Control;

/// <summary>ipvsadm -C: remove every virtual service.</summary>
public sealed record ClearRequest : ControlRequest
{
    /// <inheritdoc />
    public override string CommandName => "clear";
}
