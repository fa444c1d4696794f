namespace LvsDirector.Services;

/// <summary>A firewall-mark rule as <see cref="FirewallMarkClassifier"/> scans it: host-order network and mask, ports as a slice.</summary>
internal readonly record struct CompiledMarkRule(uint Network, uint Mask, byte Protocol, int FirstRange, int RangeCount, uint Mark);
