namespace LvsDirector.Packets;

/// <summary>The fields of an Ethernet/IPv4 ARP packet; addresses in host order.</summary>
public readonly record struct ArpPacket(
    ushort Operation, MacAddress SenderMac, uint SenderAddress, MacAddress TargetMac, uint TargetAddress)
{
    public const ushort RequestOperation = 1;
    public const ushort ReplyOperation = 2;

    public bool IsRequest => Operation == RequestOperation;

    public bool IsReply => Operation == ReplyOperation;

    /// <summary>Sender and target protocol address equal: an announcement (gratuitous ARP) rather than a question.</summary>
    public bool IsGratuitous => SenderAddress == TargetAddress;
}
