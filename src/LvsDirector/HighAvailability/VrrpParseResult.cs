namespace LvsDirector.HighAvailability;

/// <summary>What <see cref="VrrpPacket.TryReadIpv4"/> made of a received packet; anything but Ok is counted and dropped.</summary>
public enum VrrpParseResult
{
    Ok,

    /// <summary>Shorter than the IPv4 header, the VRRP header or the addresses it announces; or lengths disagree.</summary>
    BadLength,

    /// <summary>Not IPv4 protocol 112, or a fragment.</summary>
    NotVrrp,

    /// <summary>TTL other than 255: the sender is not on this link (RFC 5798 7.1).</summary>
    BadTtl,

    /// <summary>VRRP version neither 2 nor 3, or a type other than 1 (ADVERTISEMENT).</summary>
    BadVersion,

    BadChecksum,

    /// <summary>VRRPv2 with an authentication type other than 0 (types 1 and 2 were removed by RFC 3768).</summary>
    BadAuthentication,
}
