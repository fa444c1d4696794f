namespace LvsDirector.Services;

/// <summary>An IPv6 firewall-mark rule as <see cref="FirewallMarkClassifier"/> scans it: network and mask as numbers, ports as a slice.</summary>
internal readonly record struct CompiledMarkRule6(UInt128 Network, UInt128 Mask, byte Protocol, int FirstRange, int RangeCount, uint Mark);
