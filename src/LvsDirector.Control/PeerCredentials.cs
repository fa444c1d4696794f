using System.Buffers.Binary;
using System.Net.Sockets;

namespace LvsDirector.Control;

/// <summary>
/// The credentials the kernel recorded for the other end of a Unix socket when it connected (SO_PEERCRED,
/// struct ucred { pid_t pid; uid_t uid; gid_t gid; }). They cannot be forged by the client.
/// </summary>
public readonly record struct PeerCredentials(int ProcessId, uint UserId, uint GroupId)
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private const int UcredSize = 12;

    /// <summary>Reads SO_PEERCRED of a connected Unix socket; false when the kernel does not report it.</summary>
    public static bool TryRead(Socket socket, out PeerCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Span<byte> ucred = stackalloc byte[UcredSize];
        try
        {
            // getsockopt through the runtime's own socket handle: no P/Invoke needed for a plain byte option.
            var length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
            if (length < UcredSize)
            {
                credentials = default;
                return false;
            }
        }
        catch (SocketException)
        {
            credentials = default;
            return false;
        }

        credentials = new PeerCredentials(
            BinaryPrimitives.ReadInt32LittleEndian(ucred),
            BinaryPrimitives.ReadUInt32LittleEndian(ucred[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(ucred[8..]));
        return true;
    }
}
