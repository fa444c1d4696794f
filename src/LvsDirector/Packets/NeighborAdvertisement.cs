namespace LvsDirector.Packets;

/// <summary>A validated Neighbor Advertisement (RFC 4861 4.4), as read by <see cref="NeighborDiscovery.TryReadAdvertisement"/>.</summary>
public struct NeighborAdvertisement
{
    public UInt128 SourceAddress { get; set; }

    public UInt128 DestinationAddress { get; set; }

    public UInt128 TargetAddress { get; set; }

    public bool IsRouter { get; set; }

    public bool IsSolicited { get; set; }

    public bool IsOverride { get; set; }

    public bool HasTargetLinkLayerAddress { get; set; }

    /// <summary>The target link-layer address option, when present.</summary>
    public MacAddress TargetLinkLayerAddress { get; set; }

    /// <summary>Ethernet source of the frame.</summary>
    public MacAddress EthernetSource { get; set; }
}
