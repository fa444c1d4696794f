using System.Text.Json.Serialization;

namespace LvsDirector.Control;

/// <summary>Transport protocol of a virtual service on the wire ("tcp", "udp", later "sctp").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ControlProtocol>))]
public enum ControlProtocol
{
    [JsonStringEnumMemberName("tcp")]
    Tcp,

    [JsonStringEnumMemberName("udp")]
    Udp,

    [JsonStringEnumMemberName("sctp")]
    Sctp,
}
