using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LvsDirector.Packets;

/// <summary>Conversions between host-order <see cref="uint"/> IPv4 addresses and text / <see cref="IPAddress"/>. Not for the hot path.</summary>
public static class Ipv4Address
{
    /// <summary>Parses strict dotted-quad text ("198.18.0.1"). Throws <see cref="FormatException"/> otherwise.</summary>
    public static uint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out uint address) ? address : throw new FormatException($"'{text}' is not an IPv4 address.");
    }

    /// <summary>
    /// Strict dotted-quad: four decimal parts of 1-3 digits, each at most 255; nothing else. Leading zeros are refused
    /// because inet_aton(3) reads them as octal ("010" is 8), so accepting them as decimal would disagree with ipvsadm.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out uint address)
    {
        address = 0;
        int part = 0;
        int digits = 0;
        int value = 0;
        foreach (char c in text)
        {
            if (c is >= '0' and <= '9')
            {
                if (digits == 1 && value == 0)
                {
                    return false;
                }

                value = (value * 10) + (c - '0');
                if (++digits > 3 || value > 255)
                {
                    return false;
                }
            }
            else if (c == '.' && digits > 0 && part < 3)
            {
                address = (address << 8) | (uint)value;
                part++;
                digits = 0;
                value = 0;
            }
            else
            {
                return false;
            }
        }

        if (part != 3 || digits == 0)
        {
            address = 0;
            return false;
        }

        address = (address << 8) | (uint)value;
        return true;
    }

    public static string Format(uint address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 0xFF}.{(address >> 8) & 0xFF}.{address & 0xFF}");

    /// <summary>Converts an IPv4 (or IPv4-mapped IPv6) address; throws <see cref="ArgumentException"/> for other IPv6 addresses.</summary>
    public static uint FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"'{address}' is not an IPv4 address.", nameof(address));
        }

        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    public static IPAddress ToIPAddress(uint address)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, address);
        return new IPAddress(bytes);
    }
}
