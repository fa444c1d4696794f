using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.HighAvailability;

/// <summary>
/// The IPv4 VRRP advertisement codec, v2 (RFC 3768 5.1) and v3 (RFC 5798 5.1). Reads a whole IPv4 packet (what a raw
/// socket delivers) and writes either the VRRP message alone or IPv4 header plus message (for IP_HDRINCL sends).
/// Nothing here throws on input: every length is checked before it is read and a bad packet gets a result code.
/// </summary>
public static class VrrpPacket
{
    public const byte Protocol = 112;

    /// <summary>224.0.0.18, the IPv4 multicast group of VRRP.</summary>
    public const uint MulticastGroup = 0xE0000012;

    /// <summary>Adverts are sent with, and only accepted with, TTL 255 so they cannot come from off the link.</summary>
    public const byte RequiredTtl = 255;

    public const byte AdvertisementType = 1;

    /// <summary>Header bytes before the address list (both versions).</summary>
    public const int HeaderLength = 8;

    /// <summary>The v2 authentication data after the address list; always present, zero with authentication type 0.</summary>
    public const int V2AuthenticationLength = 8;

    /// <summary>The Count IPvX Addr field is one octet.</summary>
    public const int MaxAddresses = 255;

    private const int Ipv4HeaderLength = 20;

    // IPTOS_PREC_INTERNETCONTROL: adverts are network control traffic and should win queues over data.
    private const byte TypeOfService = 0xC0;

    /// <summary>Bytes of the VRRP message (without IPv4 header) for <paramref name="addressCount"/> addresses.</summary>
    public static int MessageLength(VrrpVersion version, int addressCount) =>
        HeaderLength + (4 * addressCount) + (version == VrrpVersion.V2 ? V2AuthenticationLength : 0);

    /// <summary>
    /// Writes the VRRP message for <paramref name="advertisement"/> sent from <paramref name="source"/> to
    /// <paramref name="destination"/> (both only used by the v3 pseudo-header); returns its length, or 0 when
    /// <paramref name="buffer"/> is too small or the advert has no addresses or too many.
    /// </summary>
    public static int WriteMessage(Span<byte> buffer, in VrrpAdvertisement advertisement, uint source, uint destination)
    {
        var addresses = advertisement.Addresses;
        if (addresses.Count is 0 or > MaxAddresses)
        {
            return 0;
        }

        var length = MessageLength(advertisement.Version, addresses.Count);
        if (buffer.Length < length)
        {
            return 0;
        }

        var message = buffer[..length];
        message.Clear();
        message[0] = (byte)(((int)advertisement.Version << 4) | AdvertisementType);
        message[1] = advertisement.VirtualRouterId;
        message[2] = advertisement.Priority;
        message[3] = (byte)addresses.Count;
        if (advertisement.Version == VrrpVersion.V2)
        {
            // Authentication type 0; the interval in whole seconds, at least 1.
            message[4] = 0;
            message[5] = (byte)Math.Clamp(advertisement.IntervalCentiseconds / 100, 1, 255);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(message[4..], (ushort)(advertisement.IntervalCentiseconds & 0x0FFF));
        }

        for (var i = 0; i < addresses.Count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(message[(HeaderLength + (4 * i))..], addresses[i]);
        }

        BinaryPrimitives.WriteUInt16BigEndian(message[6..], ComputeChecksum(advertisement.Version, message, source, destination));
        return length;
    }

    /// <summary>
    /// Writes an IPv4 header (TTL 255, protocol 112) and the message: a whole packet for a raw socket with IP_HDRINCL.
    /// Returns the packet length, or 0 when it does not fit or the advert cannot be written.
    /// </summary>
    public static int WriteIpv4(Span<byte> buffer, in VrrpAdvertisement advertisement, uint source, uint destination)
    {
        if (buffer.Length < Ipv4HeaderLength)
        {
            return 0;
        }

        var messageLength = WriteMessage(buffer[Ipv4HeaderLength..], advertisement, source, destination);
        if (messageLength == 0)
        {
            return 0;
        }

        var ip = buffer[..Ipv4HeaderLength];
        ip.Clear();
        ip[0] = 0x45;
        ip[1] = TypeOfService;
        Ipv4Header.SetTotalLength(ip, (ushort)(Ipv4HeaderLength + messageLength));
        Ipv4Header.SetTtl(ip, RequiredTtl);
        ip[9] = Protocol;
        Ipv4Header.SetSource(ip, source);
        Ipv4Header.SetDestination(ip, destination);
        Ipv4Header.WriteChecksum(ip);
        return Ipv4HeaderLength + messageLength;
    }

    /// <summary>
    /// Reads and validates a received IPv4 packet: header sane, not a fragment, protocol 112, TTL 255, VRRP version 2
    /// or 3, type ADVERTISEMENT, lengths covering the announced addresses, checksum as the version defines it, and for
    /// v2 authentication type 0. Which router id and version this router expects is the instance's business.
    /// </summary>
    public static VrrpParseResult TryReadIpv4(ReadOnlySpan<byte> packet, out VrrpAdvertisement advertisement)
    {
        advertisement = default;
        if (packet.Length < Ipv4HeaderLength)
        {
            return VrrpParseResult.BadLength;
        }

        var headerLength = Ipv4Header.HeaderLength(packet);
        if (Ipv4Header.Version(packet) != 4 || headerLength < Ipv4HeaderLength || packet.Length < headerLength)
        {
            return VrrpParseResult.BadLength;
        }

        if (Ipv4Header.Protocol(packet) != Protocol || Ipv4Header.FragmentOffset(packet) != 0 || Ipv4Header.HasMoreFragments(packet))
        {
            return VrrpParseResult.NotVrrp;
        }

        // Raw sockets hand over the packet as received; the total length is trusted only when it fits what came.
        int totalLength = Ipv4Header.TotalLength(packet);
        if (totalLength < headerLength || totalLength > packet.Length)
        {
            return VrrpParseResult.BadLength;
        }

        if (Ipv4Header.Ttl(packet) != RequiredTtl)
        {
            return VrrpParseResult.BadTtl;
        }

        var message = packet[headerLength..totalLength];
        if (message.Length < HeaderLength)
        {
            return VrrpParseResult.BadLength;
        }

        var version = message[0] >> 4;
        if (version is not (2 or 3) || (message[0] & 0x0F) != AdvertisementType)
        {
            return VrrpParseResult.BadVersion;
        }

        var vrrpVersion = (VrrpVersion)version;
        int count = message[3];
        if (count == 0 || message.Length < MessageLength(vrrpVersion, count))
        {
            return VrrpParseResult.BadLength;
        }

        var source = Ipv4Header.Source(packet);
        var destination = Ipv4Header.Destination(packet);
        if (ComputeChecksum(vrrpVersion, message, source, destination) != BinaryPrimitives.ReadUInt16BigEndian(message[6..]))
        {
            return VrrpParseResult.BadChecksum;
        }

        ushort interval;
        if (vrrpVersion == VrrpVersion.V2)
        {
            if (message[4] != 0)
            {
                return VrrpParseResult.BadAuthentication;
            }

            interval = (ushort)(message[5] * 100);
        }
        else
        {
            interval = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(message[4..]) & 0x0FFF);
        }

        var addresses = new uint[count];
        for (var i = 0; i < count; i++)
        {
            addresses[i] = BinaryPrimitives.ReadUInt32BigEndian(message[(HeaderLength + (4 * i))..]);
        }

        advertisement = new VrrpAdvertisement(vrrpVersion, message[1], message[2], interval, source, addresses);
        return VrrpParseResult.Ok;
    }

    /// <summary>
    /// The checksum of <paramref name="message"/> with its checksum field counted as zero: v2 over the message alone
    /// (RFC 3768 5.3.8), v3 over the IPv4 pseudo-header (source, destination, zero, 112, length) and the message
    /// (RFC 5798 5.2.8).
    /// </summary>
    public static ushort ComputeChecksum(VrrpVersion version, ReadOnlySpan<byte> message, uint source, uint destination)
    {
        var stored = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var sum = Checksum.Add16(Checksum.Add(message), (ushort)~stored);
        if (version == VrrpVersion.V3)
        {
            sum = Checksum.Add32(sum, Checksum.PseudoHeader(source, destination, Protocol, message.Length));
        }

        return Checksum.Finish(sum);
    }
}
