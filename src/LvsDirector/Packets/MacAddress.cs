using System.Buffers.Binary;
using System.Globalization;

namespace LvsDirector.Packets;

/// <summary>A 48-bit Ethernet address held in the low bits of a ulong, so it compares and hashes as one value.</summary>
public readonly record struct MacAddress(ulong Value)
{
    public static MacAddress Broadcast { get; } = new(0xFFFF_FFFF_FFFFUL);

    public static MacAddress Zero { get; } = new(0UL);

    public bool IsBroadcast => Value == 0xFFFF_FFFF_FFFFUL;

    /// <summary>Reads six bytes in wire order.</summary>
    public static MacAddress Read(ReadOnlySpan<byte> source) =>
        new(((ulong)BinaryPrimitives.ReadUInt16BigEndian(source) << 32) | BinaryPrimitives.ReadUInt32BigEndian(source[2..]));

    /// <summary>Writes six bytes in wire order.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(Value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], (uint)Value);
    }

    public static MacAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':', '-');
        if (parts.Length != 6)
        {
            throw new FormatException($"'{text}' is not a MAC address (expected six hex bytes).");
        }

        ulong value = 0;
        foreach (var part in parts)
        {
            value = (value << 8) | byte.Parse(part, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }

        return new MacAddress(value);
    }

    public override string ToString()
    {
        Span<byte> b = stackalloc byte[6];
        Write(b);
        return string.Create(CultureInfo.InvariantCulture, $"{b[0]:x2}:{b[1]:x2}:{b[2]:x2}:{b[3]:x2}:{b[4]:x2}:{b[5]:x2}");
    }
}
