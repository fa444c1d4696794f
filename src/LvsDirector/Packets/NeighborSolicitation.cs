namespace LvsDirector.Packets;

/// <summary>A validated Neighbor Solicitation (RFC 4861 4.3), as read by <see cref="NeighborDiscovery.TryReadSolicitation"/>.</summary>
public struct NeighborSolicitation
{
    /// <summary>IPv6 source of the solicitation; 0 (::) for duplicate address detection.</summary>
    public UInt128 SourceAddress { get; set; }

    /// <summary>IPv6 destination (the solicited-node group or, to verify reachability, the target itself).</summary>
    public UInt128 DestinationAddress { get; set; }

    /// <summary>The address whose link-layer address is asked for.</summary>
    public UInt128 TargetAddress { get; set; }

    public bool HasSourceLinkLayerAddress { get; set; }

    /// <summary>The source link-layer address option, when present.</summary>
    public MacAddress SourceLinkLayerAddress { get; set; }

    /// <summary>Ethernet source of the frame (where a reply goes when the option is absent).</summary>
    public MacAddress EthernetSource { get; set; }

    public bool HasVlanTag { get; set; }

    public ushort VlanId { get; set; }

    /// <summary>The source is :: (duplicate address detection): the answer goes to all nodes, unsolicited.</summary>
    public readonly bool IsDuplicateAddressDetection => SourceAddress == UInt128.Zero;

    /// <summary>The MAC to answer to: the source link-layer option, else the Ethernet source.</summary>
    public readonly MacAddress ReplyMac => HasSourceLinkLayerAddress ? SourceLinkLayerAddress : EthernetSource;
}
