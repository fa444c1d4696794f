namespace LvsDirector.HighAvailability;

/// <summary>Where a <see cref="VrrpInstance"/> sends its adverts: a raw IPv4 socket in lvsd, a recorder in tests.</summary>
public interface IVrrpTransport
{
    /// <summary>Sends the advert to 224.0.0.18, or to every unicast peer when there are any; false when nothing went out.</summary>
    bool Send(in VrrpAdvertisement advertisement);
}
