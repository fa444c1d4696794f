namespace LvsDirector.Control;

/// <summary>ipvsadm -d: remove a real server from a virtual service.</summary>
public sealed record DeleteServerRequest(ControlServiceKey Service, string Address, ushort Port) : ControlRequest
{
    /// <inheritdoc />
    public override string CommandName => "delete-server";
}
