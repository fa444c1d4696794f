namespace LvsDirector.HighAvailability;

/// <summary>The VRRP version spoken on the wire: 2 (RFC 3768, keepalived's default) or 3 (RFC 5798).</summary>
public enum VrrpVersion
{
    /// <summary>RFC 3768: interval in whole seconds, authentication fields, checksum over the VRRP message only.</summary>
    V2 = 2,

    /// <summary>RFC 5798: interval in centiseconds, checksum including the IPv4 pseudo-header.</summary>
    V3 = 3,
}
