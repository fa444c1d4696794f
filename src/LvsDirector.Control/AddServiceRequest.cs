namespace LvsDirector.Control;

/// <summary>ipvsadm -A: add a virtual service.</summary>
public sealed record AddServiceRequest(ControlServiceSpec Service) : ControlRequest
{
    /// <inheritdoc />
    public override string CommandName => "add-service";
}
