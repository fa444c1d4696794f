namespace LvsDirector.HighAvailability;

/// <summary>
/// One VRRP ADVERTISEMENT as read from (or to be written to) the wire. The interval is always in centiseconds; a v2
/// advert's whole seconds are multiplied by 100 when read and divided when written.
/// </summary>
public readonly record struct VrrpAdvertisement(
    VrrpVersion Version,
    byte VirtualRouterId,
    byte Priority,
    ushort IntervalCentiseconds,
    uint Source,
    IReadOnlyList<uint> Addresses);
