namespace LvsDirector.Control;

/// <summary>ipvsadm -D: delete a virtual service with its real servers.</summary>
public sealed record DeleteServiceRequest(ControlServiceKey Service) : ControlRequest
{
    /// <inheritdoc />
    public override string CommandName => "delete-service";
}
