namespace LvsDirector.Control;

/// <summary>ipvsadm -e: change a real server's weight, method or thresholds.</summary>
public sealed record EditServerRequest(ControlServiceKey Service, ControlServerSpec Server) : ControlRequest
{
    /// <inheritdoc />
    public override string CommandName => "edit-server";
}
