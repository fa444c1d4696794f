using System.Buffers.Binary;
using LvsDirector.DataPath;
using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Tests.Io;

namespace LvsDirector.Tests.DataPath;

/// <summary>
/// The fanout program must send both directions of every connection, its ICMP errors and its persistence group to
/// one worker. Run on packets (from the network header, as the kernel runs it) through a classic BPF interpreter.
/// </summary>
public class WorkerSteeringProgramTests
{
    private const ushort Ipv4 = 0x0800;
    private const ushort Ipv6 = 0x86DD;
    private const uint Vip = 0xC612_0064; // 198.18.0.100
    private const uint SecondVip = 0xC612_0065;
    private static readonly UInt128 Vip6 = Ipv6Address.FromIPAddress(System.Net.IPAddress.Parse("2001:db8::100"));

    [Fact]
    public void Both_directions_of_a_nat_connection_get_the_same_value_and_clients_spread_over_two_workers()
    {
        var program = WorkerSteeringProgram.Build([Vip, SecondVip], [], uint.MaxValue, [], [], UInt128.MaxValue);
        var random = new Random(11);
        var perWorker = new int[2];
        for (var i = 0; i < 2000; i++)
        {
            var client = 0xC612_0000u | (uint)random.Next(1, 0xFFFF);
            var server = 0xC613_000Bu + (uint)random.Next(3);
            var port = (ushort)random.Next(1024, 65535);
            var inbound = Run(program, Tcp4(client, port, i % 2 == 0 ? Vip : SecondVip, 80));
            var reply = Run(program, Tcp4(server, 80, client, port));
            Assert.Equal(inbound, reply);
            perWorker[inbound % 2]++;
        }

        Assert.InRange(perWorker[0], 800, 1200);
    }

    [Fact]
    public void Icmp_errors_follow_their_connection_from_either_side()
    {
        var program = WorkerSteeringProgram.Build([Vip], [], uint.MaxValue, [], [], UInt128.MaxValue);
        // Clients from a range without the VIP in it: a client is never a VIP.
        for (var client = 0xC612_0202u; client < 0xC612_0302u; client++)
        {
            var inbound = Run(program, Tcp4(client, 40000, Vip, 80));

            // A router on the client's path about our reply VIP -> client, sent to the VIP.
            var fromClientSide = Run(program, IcmpError4(0xC612_00FE, Vip, quotedSource: Vip, quotedDestination: client));

            // A real server about our forwarded client -> real server packet, sent to the client (through us).
            var fromServerSide = Run(program, IcmpError4(0xC613_000B, client, quotedSource: client, quotedDestination: 0xC613_000B));
            Assert.Equal(inbound, fromClientSide);
            Assert.Equal(inbound, fromServerSide);
        }
    }

    [Fact]
    public void A_persistence_netmask_keeps_each_client_network_on_one_worker()
    {
        var masked = WorkerSteeringProgram.Build([Vip], [], 0xFFFF_FF00, [], [], UInt128.MaxValue);
        var plain = WorkerSteeringProgram.Build([Vip], [], uint.MaxValue, [], [], UInt128.MaxValue);
        var maskedValues = new HashSet<uint>();
        var plainValues = new HashSet<uint>();
        for (var host = 1u; host < 255; host++)
        {
            maskedValues.Add(Run(masked, Tcp4(0xC612_0500 | host, 5000, Vip, 80)) % 2);
            plainValues.Add(Run(plain, Tcp4(0xC612_0500 | host, 5000, Vip, 80)) % 2);
        }

        Assert.Single(maskedValues);
        Assert.Equal(2, plainValues.Count);
    }

    [Fact]
    public void Firewall_mark_destinations_count_as_virtual_addresses()
    {
        var program = WorkerSteeringProgram.Build([], [(0xC612_0100, 0xFFFF_FF00)], uint.MaxValue, [], [], UInt128.MaxValue);
        var values = new HashSet<uint>();
        for (var client = 0xC612_0002u; client < 0xC612_0042u; client++)
        {
            var inbound = Run(program, Tcp4(client, 40000, 0xC612_0107, 443));
            values.Add(inbound % 2);
            Assert.Equal(inbound, Run(program, Tcp4(0xC613_000B, 443, client, 40000)));
        }

        // Keyed on the clients, not on the one destination network.
        Assert.Equal(2, values.Count);
    }

    [Fact]
    public void Arp_and_neighbor_discovery_go_to_worker_zero()
    {
        var program = WorkerSteeringProgram.Build([Vip], [], uint.MaxValue, [Vip6], [], UInt128.MaxValue);
        Assert.Equal(0u, ClassicBpfInterpreter.RunFanout(program, new byte[28], 0x0806));
        for (var type = NeighborDiscovery.RouterSolicitationType; type <= NeighborDiscovery.RedirectType; type++)
        {
            Assert.Equal(0u, Run(program, Icmp6(Client6(7), Vip6, type)));
        }

        Assert.NotEqual(0u, Enumerable.Range(1, 64).Select(i => Run(program, Icmp6(Client6(i), Vip6, Icmpv6.EchoRequestType))).Max());
    }

    [Fact]
    public void Ipv6_connections_and_their_errors_stay_together()
    {
        var program = WorkerSteeringProgram.Build([], [], uint.MaxValue, [Vip6], [], UInt128.MaxValue);
        var server = Ipv6Address.FromIPAddress(System.Net.IPAddress.Parse("2001:db8:1::11"));
        var values = new HashSet<uint>();
        for (var i = 1; i < 200; i++)
        {
            var client = Client6(i);
            var inbound = Run(program, Tcp6(client, Vip6));
            Assert.Equal(inbound, Run(program, Tcp6(server, client)));
            Assert.Equal(inbound, Run(program, IcmpError6(Vip6, quotedDestination: client)));
            values.Add(inbound % 2);
        }

        Assert.Equal(2, values.Count);
    }

    [Fact]
    public void Every_vip_of_a_long_chain_is_recognised_and_too_many_do_not_fit()
    {
        var vips = Enumerable.Range(0, 1500).Select(i => 0xC612_1000u + (uint)i).ToArray();
        var program = WorkerSteeringProgram.Build(vips, [], uint.MaxValue, [], [], UInt128.MaxValue);
        Assert.True(program.Length <= 4096);
        foreach (var vip in new[] { vips[0], vips[700], vips[^1] })
        {
            // Keyed on the client: the same value whatever VIP the client talks to.
            Assert.Equal(Run(program, Tcp4(0xC612_0002, 1000, vips[0], 80)), Run(program, Tcp4(0xC612_0002, 1000, vip, 80)));
        }

        var tooMany = Enumerable.Range(0, 2500).Select(i => 0xC612_1000u + (uint)i).ToArray();
        Assert.True(WorkerSteeringProgram.Build(tooMany, [], uint.MaxValue, [], [], UInt128.MaxValue).Length > 4096);
    }

    [Fact]
    public void Truncated_packets_go_to_worker_zero_instead_of_failing()
    {
        var program = WorkerSteeringProgram.Build([Vip], [], uint.MaxValue, [Vip6], [], UInt128.MaxValue);
        var frame = Tcp4(0xC612_0002, 1000, Vip, 80);
        for (var length = 0; length < 20; length++)
        {
            Assert.Equal(0u, ClassicBpfInterpreter.RunFanout(program, frame.AsSpan(0, length), Ipv4));
        }
    }

    private static uint Run(ClassicBpfInstruction[] program, byte[] packet) =>
        ClassicBpfInterpreter.RunFanout(program, packet, (packet[0] >> 4) == 6 ? Ipv6 : Ipv4);

    private static UInt128 Client6(int i) => Ipv6Address.FromIPAddress(System.Net.IPAddress.Parse("2001:db8:5::")) + (UInt128)(uint)(i * 7919);

    private static byte[] Tcp4(uint source, ushort sourcePort, uint destination, ushort destinationPort)
    {
        var packet = new byte[40];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), 40);
        packet[8] = 64;
        packet[9] = IpProtocol.Tcp;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12), source);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(16), destination);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(20), sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(22), destinationPort);
        return packet;
    }

    private static byte[] IcmpError4(uint source, uint destination, uint quotedSource, uint quotedDestination)
    {
        var quoted = Tcp4(quotedSource, 80, quotedDestination, 40000);
        var packet = new byte[20 + 8 + 28];
        packet[0] = 0x45;
        packet[9] = IpProtocol.Icmp;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12), source);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(16), destination);
        packet[20] = Icmp.DestinationUnreachableType;
        packet[21] = 3;
        quoted.AsSpan(0, 28).CopyTo(packet.AsSpan(28));
        return packet;
    }

    private static byte[] Ipv6Packet(UInt128 source, UInt128 destination, byte nextHeader, int payload)
    {
        var packet = new byte[40 + payload];
        packet[0] = 0x60;
        packet[6] = nextHeader;
        packet[7] = 64;
        BinaryPrimitives.WriteUInt128BigEndian(packet.AsSpan(8), source);
        BinaryPrimitives.WriteUInt128BigEndian(packet.AsSpan(24), destination);
        return packet;
    }

    private static byte[] Tcp6(UInt128 source, UInt128 destination) => Ipv6Packet(source, destination, IpProtocol.Tcp, 20);

    private static byte[] Icmp6(UInt128 source, UInt128 destination, byte type)
    {
        var packet = Ipv6Packet(source, destination, IpProtocol.Icmpv6, 32);
        packet[40] = type;
        return packet;
    }

    private static byte[] IcmpError6(UInt128 destination, UInt128 quotedDestination)
    {
        var router = Ipv6Address.FromIPAddress(System.Net.IPAddress.Parse("2001:db8::fe"));
        var packet = Ipv6Packet(router, destination, IpProtocol.Icmpv6, 8 + 60);
        packet[40] = Icmpv6.DestinationUnreachableType;
        Tcp6(destination, quotedDestination).CopyTo(packet.AsSpan(48));
        return packet;
    }
}
