namespace LvsDirector.Control;

/// <summary>Virtual service flags with the kernel's IP_VS_SVC_F_* values, so they can be passed through as is.</summary>
[Flags]
public enum ServiceAttributes : uint
{
    None = 0,
    Persistent = 0x0001,
    Hashed = 0x0002,
    OnePacket = 0x0004,

    /// <summary>Scheduler flag 1 (sh-fallback for sh, mh-fallback for mh).</summary>
    Scheduler1 = 0x0008,

    /// <summary>Scheduler flag 2 (sh-port for sh, mh-port for mh).</summary>
    Scheduler2 = 0x0010,

    Scheduler3 = 0x0020,
}
