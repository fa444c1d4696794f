namespace LvsDirector.HighAvailability;

/// <summary>RFC 5798 6.4 states; the numbers are the lvsd_vrrp_state gauge values.</summary>
public enum VrrpState
{
    Initialize = 0,
    Backup = 1,
    Master = 2,
}
