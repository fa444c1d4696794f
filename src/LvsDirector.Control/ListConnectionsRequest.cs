using System.Text.Json.Serialization;

namespace LvsDirector.Control;

/// <summary>
/// ipvsadm -L -c: every entry of the connection table, persistence templates included (what the kernel
/// shows in /proc/net/ip_vs_conn). Answered with <see cref="ControlResponse.Connections"/>.
/// </summary>
public sealed record ListConnectionsRequest : ControlRequest
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string CommandName => "list-connections";
}
