using System.Net;

namespace LvsDirector.Services;

/// <summary>What an operator asks for with ipvsadm -a/-e or a config file real server entry.</summary>
public sealed record RealServerSpec(IPAddress Address, ushort Port, int Weight, ForwardingMethod Method);
