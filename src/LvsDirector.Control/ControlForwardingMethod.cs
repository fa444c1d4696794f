using System.Text.Json.Serialization;

namespace LvsDirector.Control;

/// <summary>How a real server is reached, named as on the wire; ipvsadm shows Masq, Route, Tunnel, Local.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ControlForwardingMethod>))]
public enum ControlForwardingMethod
{
    /// <summary>NAT, ipvsadm -m.</summary>
    [JsonStringEnumMemberName("masq")]
    Masq,

    /// <summary>Direct routing, ipvsadm -g (the default).</summary>
    [JsonStringEnumMemberName("route")]
    Route,

    /// <summary>IP-in-IP, ipvsadm -i.</summary>
    [JsonStringEnumMemberName("tunnel")]
    Tunnel,

    /// <summary>The real server is the director itself; never requested, only listed.</summary>
    [JsonStringEnumMemberName("local")]
    Local,
}
