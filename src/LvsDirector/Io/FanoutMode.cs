namespace LvsDirector.Io;

/// <summary>How a PACKET_FANOUT group spreads an interface's frames over its sockets.</summary>
public enum FanoutMode
{
    /// <summary>PACKET_FANOUT_HASH: the kernel's flow hash (both directions of one 5-tuple alike, nothing more).</summary>
    Hash,

    /// <summary>PACKET_FANOUT_CBPF: a classic BPF program set with <see cref="AfPacketLink.SetFanoutProgram"/> picks the socket.</summary>
    Program,
}
