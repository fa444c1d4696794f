using LvsDirector.Packets;

namespace LvsDirector.DataPath;

/// <summary>
/// What the worker's shared fragment handling (<c>PacketWorker.HandleFragment</c>) needs to know about one address
/// family: how its fragments are tied together and where a fragment sits in its datagram. Static abstract members on
/// empty structs, as <see cref="IAddressFamily{TAddress}"/>, so each family gets its own compiled copy.
/// </summary>
/// <typeparam name="TKey">What ties one datagram's fragments together.</typeparam>
internal interface IFragmentFamily<TKey>
    where TKey : struct, IEquatable<TKey>
{
    static abstract FragmentTracker<TKey> Fragments(PacketWorker worker);

    /// <summary>Whether the parser found where this family keeps its fragment fields.</summary>
    static abstract bool HasFragmentHeader(in FrameInfo info);

    /// <summary>Whether a held frame, parsed again, is still of this family.</summary>
    static abstract bool IsOfFamily(in FrameInfo info);

    static abstract TKey FragmentKeyOf(ReadOnlySpan<byte> frame, in FrameInfo info);

    /// <summary>The fragment's byte offset in its datagram and whether it is the last one.</summary>
    static abstract int FragmentOffset(ReadOnlySpan<byte> frame, in FrameInfo info, out bool isLast);
}
