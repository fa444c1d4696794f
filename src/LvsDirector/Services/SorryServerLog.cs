using System.Net;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Services;

/// <summary>Sorry server transitions; event ids 3010-3019 of the health range 3000-3099.</summary>
internal static partial class SorryServerLog
{
    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Sorry server {ServerAddress}:{ServerPort} of {Service} is in service: no real server is up")]
    public static partial void InService(ILogger logger, ServiceKey service, IPAddress serverAddress, ushort serverPort);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Sorry server {ServerAddress}:{ServerPort} of {Service} is out of service")]
    public static partial void OutOfService(ILogger logger, ServiceKey service, IPAddress serverAddress, ushort serverPort);
}
