using System.Text.Json;

namespace LvsDirector.Control;

/// <summary>Turns control messages into frame payloads and back, with protocol errors instead of JSON exceptions.</summary>
public static class ControlMessageCodec
{
    /// <summary>UTF-8 JSON of a request.</summary>
    public static byte[] SerializeRequest(ControlRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return JsonSerializer.SerializeToUtf8Bytes(request, ControlJsonContext.Default.ControlRequest);
    }

    /// <summary>UTF-8 JSON of a response.</summary>
    public static byte[] SerializeResponse(ControlResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return JsonSerializer.SerializeToUtf8Bytes(response, ControlJsonContext.Default.ControlResponse);
    }

    /// <summary>
    /// Reads a request. Throws <see cref="ControlProtocolException"/> with <see cref="ControlError.UnknownCommand"/>
    /// for a well-formed object naming a command we do not know, and <see cref="ControlError.BadRequest"/> otherwise.
    /// </summary>
    public static ControlRequest DeserializeRequest(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return JsonSerializer.Deserialize(utf8Json, ControlJsonContext.Default.ControlRequest)
                ?? throw new ControlProtocolException(ControlError.BadRequest, "request is null");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            var command = TryReadCommandName(utf8Json);
            if (command is not null && !IsKnownCommand(command))
            {
                throw new ControlProtocolException(ControlError.UnknownCommand, $"unknown command '{command}'", ex);
            }

            throw new ControlProtocolException(ControlError.BadRequest, $"malformed request: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a response; malformed input gives <see cref="ControlProtocolException"/>.</summary>
    public static ControlResponse DeserializeResponse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return JsonSerializer.Deserialize(utf8Json, ControlJsonContext.Default.ControlResponse)
                ?? throw new ControlProtocolException(ControlError.BadRequest, "response is null");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new ControlProtocolException(ControlError.BadRequest, $"malformed response: {ex.Message}", ex);
        }
    }

    /// <summary>The command names this version understands.</summary>
    public static IReadOnlyList<string> KnownCommands { get; } =
    [
        "add-service", "edit-service", "delete-service", "add-server", "edit-server", "delete-server",
        "clear", "list", "zero", "set-timeouts", "list-connections", "reload",
    ];

    private static bool IsKnownCommand(string command)
    {
        foreach (var known in KnownCommands)
        {
            if (string.Equals(known, command, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    // Only used on the error path, to tell "unknown command" from "broken JSON".
    private static string? TryReadCommandName(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isCommand = reader.ValueTextEquals("command"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isCommand)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }
}
