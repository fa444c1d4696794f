using LvsDirector.Control;

namespace LvsDirector.Admin;

/// <summary>ipvs_cmp_dests: address, then port.</summary>
internal sealed class ServerOrder : IComparer<ServerEntry>
{
    public static ServerOrder Instance { get; } = new();

    public int Compare(ServerEntry? x, ServerEntry? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        var result = AddressOrder.Compare(x.Address, y.Address);
        return result != 0 ? result : x.Port.CompareTo(y.Port);
    }
}
