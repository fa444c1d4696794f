using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LvsDirector.Packets;

/// <summary>Accessors for the 14-byte Ethernet II header at the start of a frame. Callers check the length first.</summary>
public static class EthernetHeader
{
    public const int Length = 14;

    public const int VlanTagLength = 4;

    /// <summary>Smallest frame on the wire without the FCS; shorter frames are padded with zeros.</summary>
    public const int MinimumFrameLength = 60;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MacAddress Destination(ReadOnlySpan<byte> frame) => MacAddress.Read(frame);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MacAddress Source(ReadOnlySpan<byte> frame) => MacAddress.Read(frame[6..]);

    /// <summary>The outer ether type (0x8100 for a tagged frame).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Type(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetDestination(Span<byte> frame, MacAddress address) => address.Write(frame);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetSource(Span<byte> frame, MacAddress address) => address.Write(frame[6..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetType(Span<byte> frame, ushort etherType) => BinaryPrimitives.WriteUInt16BigEndian(frame[12..], etherType);

    public static void Write(Span<byte> frame, MacAddress destination, MacAddress source, ushort etherType)
    {
        destination.Write(frame);
        source.Write(frame[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], etherType);
    }

    /// <summary>Swaps destination and source MAC, as a reply built in place needs.</summary>
    public static void SwapAddresses(Span<byte> frame)
    {
        var destination = Destination(frame);
        var source = Source(frame);
        source.Write(frame);
        destination.Write(frame[6..]);
    }
}
