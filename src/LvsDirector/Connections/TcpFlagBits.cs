namespace LvsDirector.Connections;

/// <summary>TCP header flag bits (RFC 9293); kept here so Connections imports nothing of ours.</summary>
public static class TcpFlagBits
{
    public const byte Fin = 0x01;
    public const byte Syn = 0x02;
    public const byte Rst = 0x04;
    public const byte Ack = 0x10;
}
