using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

/// <summary>struct ethtool_value, used by the legacy get/set feature commands of SIOCETHTOOL.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct EthtoolValue
{
    public uint Command;
    public uint Data;
}
