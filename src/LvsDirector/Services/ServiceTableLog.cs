using System.Net;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Services;

/// <summary>One structured line per state change an operator cares about; event ids 2100-2199.</summary>
internal static partial class ServiceTableLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Virtual service added: {Service} scheduler {Scheduler} persistence {Persistence} one-packet {OnePacket}")]
    public static partial void ServiceAdded(ILogger logger, ServiceKey service, string scheduler, PersistenceSettings? persistence, bool onePacket);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Virtual service edited: {Service} scheduler {Scheduler} persistence {Persistence} one-packet {OnePacket}")]
    public static partial void ServiceEdited(ILogger logger, ServiceKey service, string scheduler, PersistenceSettings? persistence, bool onePacket);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Virtual service deleted: {Service}")]
    public static partial void ServiceDeleted(ILogger logger, ServiceKey service);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Real server added: {Service} -> {ServerAddress}:{ServerPort} {Method} weight {Weight}")]
    public static partial void RealServerAdded(ILogger logger, ServiceKey service, IPAddress serverAddress, ushort serverPort, ForwardingMethod method, int weight);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Real server edited: {Service} -> {ServerAddress}:{ServerPort} {Method} weight {Weight}")]
    public static partial void RealServerEdited(ILogger logger, ServiceKey service, IPAddress serverAddress, ushort serverPort, ForwardingMethod method, int weight);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "Real server quiesced (weight 0): {Service} -> {ServerAddress}:{ServerPort}")]
    public static partial void RealServerQuiesced(ILogger logger, ServiceKey service, IPAddress serverAddress, ushort serverPort);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Information, Message = "Real server deleted: {Service} -> {ServerAddress}:{ServerPort}")]
    public static partial void RealServerDeleted(ILogger logger, ServiceKey service, IPAddress serverAddress, ushort serverPort);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Information, Message = "Service table cleared")]
    public static partial void Cleared(ILogger logger);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Information, Message = "Firewall-mark rules set: {Count} rule(s)")]
    public static partial void MarksSet(ILogger logger, int count);
}
