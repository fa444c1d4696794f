using System.Net;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Services;

/// <summary>One structured line per state change an operator cares about; event ids 2100-2199.</summary>
internal static partial class ServiceTableLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Virtual service added: {Protocol} {Address}:{Port} scheduler {Scheduler}")]
    public static partial void ServiceAdded(ILogger logger, ServiceProtocol protocol, IPAddress address, ushort port, string scheduler);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Virtual service edited: {Protocol} {Address}:{Port} scheduler {Scheduler}")]
    public static partial void ServiceEdited(ILogger logger, ServiceProtocol protocol, IPAddress address, ushort port, string scheduler);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Virtual service deleted: {Protocol} {Address}:{Port}")]
    public static partial void ServiceDeleted(ILogger logger, ServiceProtocol protocol, IPAddress address, ushort port);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Real server added: {Protocol} {Address}:{Port} -> {ServerAddress}:{ServerPort} {Method} weight {Weight}")]
    public static partial void RealServerAdded(ILogger logger, ServiceProtocol protocol, IPAddress address, ushort port, IPAddress serverAddress, ushort serverPort, ForwardingMethod method, int weight);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Real server edited: {Protocol} {Address}:{Port} -> {ServerAddress}:{ServerPort} {Method} weight {Weight}")]
    public static partial void RealServerEdited(ILogger logger, ServiceProtocol protocol, IPAddress address, ushort port, IPAddress serverAddress, ushort serverPort, ForwardingMethod method, int weight);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "Real server quiesced (weight 0): {Protocol} {Address}:{Port} -> {ServerAddress}:{ServerPort}")]
    public static partial void RealServerQuiesced(ILogger logger, ServiceProtocol protocol, IPAddress address, ushort port, IPAddress serverAddress, ushort serverPort);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Information, Message = "Real server deleted: {Protocol} {Address}:{Port} -> {ServerAddress}:{ServerPort}")]
    public static partial void RealServerDeleted(ILogger logger, ServiceProtocol protocol, IPAddress address, ushort port, IPAddress serverAddress, ushort serverPort);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Information, Message = "Service table cleared")]
    public static partial void Cleared(ILogger logger);
}
