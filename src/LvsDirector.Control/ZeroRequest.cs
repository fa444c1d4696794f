namespace LvsDirector.Control;

/// <summary>ipvsadm -Z: zero the counters of one service, or of all when Service is null.</summary>
public sealed record ZeroRequest(ControlServiceKey? Service = null) : ControlRequest
{
    /// <inheritdoc />
    public override string CommandName => "zero";
}
