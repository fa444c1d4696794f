namespace LvsDirector.Control;

/// <summary>ipvsadm -a: add a real server to a virtual service.</summary>
public sealed record AddServerRequest(ControlServiceKey Service, ControlServerSpec Server) : ControlRequest
{
    /// <inheritdoc />
    public override string CommandName => "add-server";
}
