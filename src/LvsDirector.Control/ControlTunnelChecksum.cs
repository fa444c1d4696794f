using System.Text.Json.Serialization;

namespace LvsDirector.Control;

/// <summary>ipvsadm's tunnel checksum options (--tun-nocsum, --tun-csum, --tun-remcsum), only one at a time.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ControlTunnelChecksum>))]
public enum ControlTunnelChecksum
{
    /// <summary>--tun-nocsum: no checksum in the tunnel header, the IPVS default and all lvsd sends.</summary>
    [JsonStringEnumMemberName("nocsum")]
    NoChecksum,

    /// <summary>--tun-csum: a UDP (GUE) or GRE checksum.</summary>
    [JsonStringEnumMemberName("csum")]
    Checksum,

    /// <summary>--tun-remcsum: GUE remote checksum offload.</summary>
    [JsonStringEnumMemberName("remcsum")]
    RemoteChecksum,
}
