using System.Text.Json.Serialization;

namespace LvsDirector.Control;

/// <summary>
/// One control request. On the wire the "command" property names the concrete type
/// (add-service, edit-service, delete-service, add-server, edit-server, delete-server, clear, list,
/// zero, set-timeouts, list-connections, reload).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "command")]
[JsonDerivedType(typeof(AddServiceRequest), "add-service")]
[JsonDerivedType(typeof(EditServiceRequest), "edit-service")]
[JsonDerivedType(typeof(DeleteServiceRequest), "delete-service")]
[JsonDerivedType(typeof(AddServerRequest), "add-server")]
[JsonDerivedType(typeof(EditServerRequest), "edit-server")]
[JsonDerivedType(typeof(DeleteServerRequest), "delete-server")]
[JsonDerivedType(typeof(ClearRequest), "clear")]
[JsonDerivedType(typeof(ListRequest), "list")]
[JsonDerivedType(typeof(ZeroRequest), "zero")]
[JsonDerivedType(typeof(SetTimeoutsRequest), "set-timeouts")]
[JsonDerivedType(typeof(ListConnectionsRequest), "list-connections")]
[JsonDerivedType(typeof(ReloadRequest), "reload")]
public abstract record ControlRequest
{
    /// <summary>The wire name of the command, as used in logs and error messages.</summary>
    [JsonIgnore]
    public abstract string CommandName { get; }
}
