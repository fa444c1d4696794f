using System.Text.Json.Serialization;

namespace LvsDirector.Daemon.Web;

/// <summary>Source-generated serializer for the status feed; snake_case so the page script reads plain names.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(StatusDocument))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
