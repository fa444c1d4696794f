using System.Net;

namespace LvsDirector.Services;

/// <summary>Identifies a virtual service the way ipvsadm does: protocol, virtual address and port.</summary>
public readonly record struct ServiceKey(ServiceProtocol Protocol, IPAddress Address, ushort Port);
