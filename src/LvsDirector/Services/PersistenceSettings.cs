namespace LvsDirector.Services;

/// <summary>
/// A persistent service's settings (ipvsadm -p TIMEOUT -M NETMASK), replaced as one object so a packet worker
/// never sees a timeout from one edit and a mask from another.
/// </summary>
/// <param name="TimeoutSeconds">How long a client network's template outlives its last new connection.</param>
/// <param name="Netmask">Host-order mask applied to client addresses; 255.255.255.255 makes each client its own group.</param>
public sealed record PersistenceSettings(uint TimeoutSeconds, uint Netmask)
{
    /// <summary>ipvsadm's -p without a value.</summary>
    public const uint DefaultTimeoutSeconds = 300;

    public const uint HostMask = uint.MaxValue;

    /// <summary>The mask as ipvsadm prints it.</summary>
    public string NetmaskText => LvsDirector.Packets.Ipv4Address.Format(Netmask);

    public override string ToString() => $"{TimeoutSeconds}s mask {NetmaskText}";
}
