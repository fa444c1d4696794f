namespace LvsDirector.Admin;

/// <summary>
/// ipvsadm's OPT_* option classes, in its order (which decides which complaint comes first), with its names
/// for messages. Classes lvsadm does not parse yet keep their slot so the order stays ipvsadm's.
/// </summary>
internal enum OptionBit
{
    Numeric,
    Connection,
    Service,
    Scheduler,
    Persistent,
    Netmask,
    Server,
    Forward,
    Weight,
    UpperThreshold,
    LowerThreshold,
    McastInterface,
    Timeout,
    Daemon,
    Stats,
    Rate,
    Thresholds,
    PersistentConn,
    NoSort,
    SyncId,
    Exact,
    OnePacket,
    PersistenceEngine,
    SchedulerFlags,
    McastGroup,
    McastPort,
    McastTtl,
    SyncMaxlen,
    TunInfo,
    TunType,
    TunPort,
    TunNoChecksum,
    TunChecksum,
    TunRemoteChecksum,
}
