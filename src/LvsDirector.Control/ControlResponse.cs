namespace LvsDirector.Control;

/// <summary>The answer to one request.</summary>
/// <param name="Ok">True when the request was carried out.</param>
/// <param name="Error">Why not, when <paramref name="Ok"/> is false.</param>
/// <param name="Message">Human-readable detail (lvsadm prints ipvsadm's wording for known errors and this otherwise).</param>
/// <param name="Listing">The table, for list requests.</param>
public sealed record ControlResponse(
    bool Ok,
    ControlError Error = ControlError.None,
    string? Message = null,
    ControlListing? Listing = null)
{
    /// <summary>A plain success.</summary>
    public static ControlResponse Success() => new(true);

    /// <summary>A successful list answer.</summary>
    public static ControlResponse FromListing(ControlListing listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        return new ControlResponse(true, ControlError.None, null, listing);
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
