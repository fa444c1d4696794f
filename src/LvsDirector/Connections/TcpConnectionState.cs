namespace LvsDirector.Connections;

/// <summary>IPVS TCP connection states, numbered as IP_VS_TCP_S_* (ipvsadm -Lc prints these names).</summary>
public enum TcpConnectionState : byte
{
    None = 0,
    Established = 1,
    SynSent = 2,
    SynRecv = 3,
    FinWait = 4,
    TimeWait = 5,
    Close = 6,
    CloseWait = 7,
    LastAck = 8,
    Listen = 9,
    SynAck = 10,
}
