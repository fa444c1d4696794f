namespace LvsDirector.DataPath;

/// <summary>
/// Where each connection of one family's table is sent, by connection slot: the client's MAC and link, and the real
/// server's link.
/// </summary>
/// <remarks>
/// The client (or its router) is answered at the MAC and on the link its first frame came from, so NAT needs no
/// routing table on the client side. Links are the worker's own (an index into its links), so this sits beside the
/// connection table rather than in its entries, as parallel arrays of the table's capacity. Belongs to one worker
/// thread: written when the worker creates a connection, read by its transmitters, never locked.
/// </remarks>
internal sealed class ConnectionPeers
{
    private readonly ulong[] _clientMac;
    private readonly byte[] _clientLink;
    private readonly byte[] _serverLink;

    public ConnectionPeers(int capacity)
    {
        _clientMac = new ulong[capacity];
        _clientLink = new byte[capacity];
        _serverLink = new byte[capacity];
    }

    /// <summary>Bytes per connection slot: client MAC, client link, server link.</summary>
    public static int BytesPerEntry => sizeof(ulong) + sizeof(byte) + sizeof(byte);

    /// <summary>Bytes the arrays hold (array headers aside).</summary>
    public long AllocatedBytes => ((long)_clientMac.Length * sizeof(ulong)) + _clientLink.Length + _serverLink.Length;

    public void Set(int index, ulong clientMac, int clientLink, int serverLink)
    {
        _clientMac[index] = clientMac;
        _clientLink[index] = (byte)clientLink;
        _serverLink[index] = (byte)serverLink;
    }

    public ulong ClientMac(int index) => _clientMac[index];

    public int ClientLink(int index) => _clientLink[index];

    public int ServerLink(int index) => _serverLink[index];
}
