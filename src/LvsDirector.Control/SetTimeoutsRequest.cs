namespace LvsDirector.Control;

/// <summary>ipvsadm --set tcp tcpfin udp: connection timeouts in seconds; 0 leaves a value unchanged.</summary>
public sealed record SetTimeoutsRequest(int Tcp, int TcpFin, int Udp) : ControlRequest
{
    /// <inheritdoc />
    public override string CommandName => "set-timeouts";
}
