using LvsDirector.HighAvailability;

namespace LvsDirector.Tests.HighAvailability;

/// <summary>Keeps every advert a <see cref="VrrpInstance"/> sends, with the virtual time it was sent at.</summary>
internal sealed class RecordingTransport(TimeProvider time) : IVrrpTransport
{
    public List<(DateTimeOffset At, VrrpAdvertisement Advert)> Sent { get; } = [];

    public bool Fail { get; set; }

    public bool Send(in VrrpAdvertisement advertisement)
    {
        if (Fail)
        {
            return false;
        }

        Sent.Add((time.GetUtcNow(), advertisement));
        return true;
    }
}
