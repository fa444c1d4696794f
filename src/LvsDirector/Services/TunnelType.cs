namespace LvsDirector.Services;

/// <summary>Encapsulation of a tunnelled (-i) real server, as ipvsadm --tun-type names it.</summary>
public enum TunnelType : byte
{
    /// <summary>IP-in-IP (IPv4 protocol 4), the IPVS default.</summary>
    Ipip,

    /// <summary>Generic UDP Encapsulation: outer IPv4 + UDP to --tun-port + a 4-byte GUE header.</summary>
    Gue,
}
