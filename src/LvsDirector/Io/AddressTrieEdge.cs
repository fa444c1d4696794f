namespace LvsDirector.Io;

/// <summary>A range [<see cref="Low"/>, <see cref="High"/>] of one 32-bit address word and the node below it.</summary>
internal sealed class AddressTrieEdge(uint low, uint high, AddressTrieNode child)
{
    public uint Low { get; } = low;

    public uint High { get; } = high;

    public AddressTrieNode Child { get; } = child;
}
