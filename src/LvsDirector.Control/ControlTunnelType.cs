using System.Text.Json.Serialization;

namespace LvsDirector.Control;

/// <summary>Encapsulation of a tunnelled (-i) real server, named as ipvsadm --tun-type names it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ControlTunnelType>))]
public enum ControlTunnelType
{
    /// <summary>IP-in-IP, the IPVS default.</summary>
    [JsonStringEnumMemberName("ipip")]
    Ipip,

    /// <summary>Generic UDP Encapsulation to --tun-port.</summary>
    [JsonStringEnumMemberName("gue")]
    Gue,

    /// <summary>GRE; carried so lvsd can answer it clearly, lvsd does not tunnel with it.</summary>
    [JsonStringEnumMemberName("gre")]
    Gre,
}
