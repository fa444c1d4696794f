using System.Text.Json.Serialization;

namespace LvsDirector.Control;

/// <summary>
/// Source-generated serialisation for every control message: no reflection, so lvsadm starts fast
/// under ReadyToRun and trimming stays possible.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    AllowOutOfOrderMetadataProperties = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlResponse))]
public sealed partial class ControlJsonContext : JsonSerializerContext;
