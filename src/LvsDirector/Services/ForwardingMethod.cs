namespace LvsDirector.Services;

/// <summary>How packets reach a real server (ipvsadm -m, -g, -i).</summary>
public enum ForwardingMethod : byte
{
    /// <summary>NAT, ipvsadm -m, shown as "Masq".</summary>
    Masquerade,

    /// <summary>Direct routing, ipvsadm -g (the default), shown as "Route".</summary>
    DirectRouting,

    /// <summary>IP-in-IP tunnelling, ipvsadm -i, shown as "Tunnel".</summary>
    Tunnel,
}
