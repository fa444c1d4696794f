using LvsDirector.Control;

namespace LvsDirector.Tests.Control;

/// <summary>One instance of every control message, with optional fields both set and unset.</summary>
internal static class ControlSamples
{
    public static ControlServiceKey TcpKey { get; } = new(ControlProtocol.Tcp, "198.18.0.10", 80);

    public static ControlServiceKey FwmarkKey { get; } = new(ControlProtocol.Tcp, null, 0, 7, true);

    public static IReadOnlyList<ControlRequest> AllRequests { get; } =
    [
        new AddServiceRequest(new ControlServiceSpec(TcpKey, "wlc")),
        new AddServiceRequest(new ControlServiceSpec(
            new ControlServiceKey(ControlProtocol.Udp, "2001:db8::1", 53), "sh", 600, "64", true, ["sh-port"], "sip")),
        new EditServiceRequest(new ControlServiceSpec(FwmarkKey, "rr", 300, "255.255.255.0")),
        new DeleteServiceRequest(TcpKey),
        new AddServerRequest(TcpKey, new ControlServerSpec("198.18.1.1", 8080, 5, ControlForwardingMethod.Masq)),
        new EditServerRequest(TcpKey, new ControlServerSpec("198.18.1.1", 80, 0, ControlForwardingMethod.Tunnel, 100, 50)),
        new DeleteServerRequest(TcpKey, "198.18.1.1", 80),
        new ClearRequest(),
        new ListRequest(),
        new ListRequest(TcpKey),
        new ZeroRequest(),
        new ZeroRequest(FwmarkKey),
        new SetTimeoutsRequest(900, 120, 300),
        new ListConnectionsRequest(),
    ];

    public static ControlListing Listing { get; } = new(
        "1.2.1",
        4096,
        [
            new ServiceEntry(
                TcpKey,
                "wlc",
                ServiceAttributes.Persistent | ServiceAttributes.Scheduler2,
                300,
                "255.255.255.0",
                null,
                [
                    new ServerEntry("198.18.1.1", 80, ControlForwardingMethod.Masq, 1, 2, 3),
                    new ServerEntry("198.18.1.2", 80, ControlForwardingMethod.Route, 4, 5, 6, 7, 8, 9,
                        new TrafficStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)),
                ],
                new TrafficStats(10, 20, 30, 40, 50)),
        ],
        new ControlTimeouts(900, 120, 300));

    public static IReadOnlyList<ControlConnectionEntry> Connections { get; } =
    [
        new(ControlProtocol.Tcp, "198.18.0.2", 40000, "198.18.0.100", 80, "198.19.0.11", 80, IpvsStateNames.ForTcp(1), 899),
        new(ControlProtocol.Udp, "198.18.0.2", 5353, "198.18.0.100", 53, "198.19.0.12", 53, IpvsStateNames.Udp, 299),
        new(ControlProtocol.Tcp, "198.18.0.2", 0, null, 0, "198.19.0.13", 0, IpvsStateNames.None, 59, true, 1),
        new(ControlProtocol.Udp, "198.18.0.2", 0, "198.18.0.100", 5060, "198.19.0.11", 5060, IpvsStateNames.Assured, 10, true, null, "sip", "call-1"),
    ];
}
