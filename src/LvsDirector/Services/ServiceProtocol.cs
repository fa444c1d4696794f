namespace LvsDirector.Services;

/// <summary>The transport protocol of a virtual service; values are IP protocol numbers.</summary>
public enum ServiceProtocol : byte
{
    Tcp = 6,
    Udp = 17,
}
