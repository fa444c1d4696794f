using System.Net;
using LvsDirector.Services;

namespace LvsDirector.Configuration;

/// <summary>One real server of a virtual service, the equivalent of one ipvsadm -a line.</summary>
/// <param name="Address">Real server IPv4 address.</param>
/// <param name="Port">Real server port; the loader fills in the service port when the file gives none.</param>
/// <param name="Weight">0 to 65535; 0 is quiescent.</param>
/// <param name="Method">Forwarding method; direct routing when absent, as ipvsadm -g.</param>
public sealed record RealServerConfiguration(IPAddress Address, ushort Port, int Weight = 1, ForwardingMethod Method = ForwardingMethod.DirectRouting);
