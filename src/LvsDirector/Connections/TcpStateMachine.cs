namespace LvsDirector.Connections;

/// <summary>
/// IPVS's normal (not secure_tcp) TCP state table as in ip_vs_proto_tcp.c of current kernels: the next state
/// depends on the direction, the packet's flag class (RST before SYN before FIN before ACK) and the current state.
/// A packet with none of those flags moves the connection to CLOSE, as the kernel does.
/// </summary>
public static class TcpStateMachine
{
    private const int StateCount = 11;
    private const int ClassCount = 4;

    // Rows: direction * 4 + class (syn, fin, ack, rst); columns: current state (NO ES SS SR FW TW CL CW LA LI SA).
    private const byte NO = 0, ES = 1, SS = 2, SR = 3, FW = 4, TW = 5, CL = 6, CW = 7, LA = 8, LI = 9, SA = 10;

    private static ReadOnlySpan<byte> Table =>
    [
        // Input
        SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR, // syn
        CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, TW, // fin
        ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES, // ack
        CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, SR, // rst

        // Output
        SS, ES, SS, SR, SS, SS, SS, SS, SS, LI, SR, // syn
        TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW, // fin
        ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES, // ack
        CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL, // rst

        // Input only
        SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR, // syn
        CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW, // fin
        ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES, // ack
        CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL, // rst
    ];

    /// <summary>
    /// Whether a state counts toward a destination's active connections. Since Linux 4.8 ("ipvs: count
    /// pre-established TCP states as active") the handshake states count too, so lc/wlc see connection bursts.
    /// </summary>
    public static bool IsActive(TcpConnectionState state) =>
        state is TcpConnectionState.Established or TcpConnectionState.SynSent
            or TcpConnectionState.SynRecv or TcpConnectionState.SynAck;

    public static TcpConnectionState Next(TcpDirection direction, byte tcpFlags, TcpConnectionState current)
    {
        int flagClass = FlagClass(tcpFlags);
        if (flagClass < 0 || (uint)current >= StateCount || (uint)direction > (uint)TcpDirection.InputOnly)
        {
            return TcpConnectionState.Close;
        }

        return (TcpConnectionState)Table[((((int)direction * ClassCount) + flagClass) * StateCount) + (int)current];
    }

    private static int FlagClass(byte tcpFlags)
    {
        if ((tcpFlags & TcpFlagBits.Rst) != 0)
        {
            return 3;
        }

        if ((tcpFlags & TcpFlagBits.Syn) != 0)
        {
            return 0;
        }

        if ((tcpFlags & TcpFlagBits.Fin) != 0)
        {
            return 1;
        }

        return (tcpFlags & TcpFlagBits.Ack) != 0 ? 2 : -1;
    }
}
