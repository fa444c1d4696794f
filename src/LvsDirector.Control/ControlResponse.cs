namespace LvsDirector.Control;

/// <summary>The answer to one request.</summary>
/// <param name="Ok">True when the request was carried out.</param>
/// <param name="Error">Why not, when <paramref name="Ok"/> is false.</param>
/// <param name="Message">Human-readable detail (lvsadm prints ipvsadm's wording for known errors and this otherwise).</param>
/// <param name="Listing">The table, for list requests.</param>
/// <param name="Connections">The connection table, for list-connections requests (in the daemon's order; lvsadm does not sort it, nor does ipvsadm).</param>
public sealed record ControlResponse(
    bool Ok,
    ControlError Error = ControlError.None,
    string? Message = null,
    ControlListing? Listing = null,
    IReadOnlyList<ControlConnectionEntry>? Connections = null)
{
    /// <summary>A plain success.</summary>
    public static ControlResponse Success() => new(true);

    /// <summary>A successful list answer.</summary>
    public static ControlResponse FromListing(ControlListing listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        return new ControlResponse(true, ControlError.None, null, listing);
    }

    /// <summary>A successful list-connections answer.</summary>
    public static ControlResponse FromConnections(IReadOnlyList<ControlConnectionEntry> connections)
    {
        ArgumentNullException.ThrowIfNull(connections);
        return new ControlResponse(true, ControlError.None, null, null, connections);
    }

    /// <summary>A failure with an error code and optional detail.</summary>
    public static ControlResponse Failure(ControlError error, string? message = null)
    {
        if (error == ControlError.None)
        {
            throw new ArgumentException("A failure needs an error code.", nameof(error));
        }

        return new ControlResponse(false, error, message);
    }
}
