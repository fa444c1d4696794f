namespace LvsDirector.Control;

/// <summary>ipvsadm -E: change a virtual service's scheduler and persistence.</summary>
public sealed record EditServiceRequest(ControlServiceSpec Service) : ControlRequest
{
    /// <inheritdoc />
    public override string CommandName => "edit-service";
}
