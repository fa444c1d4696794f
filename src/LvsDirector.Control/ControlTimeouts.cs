namespace LvsDirector.Control;

/// <summary>Connection timeouts in seconds, as ipvsadm --set and -L --timeout use them.</summary>
public sealed record ControlTimeouts(int Tcp, int TcpFin, int Udp);
