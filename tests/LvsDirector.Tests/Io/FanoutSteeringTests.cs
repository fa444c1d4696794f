using System.Buffers.Binary;
using LvsDirector.DataPath;
using LvsDirector.Io;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Io;

/// <summary>
/// The worker-steering program in a real PACKET_FANOUT_CBPF group on a veth: each frame reaches the socket the
/// program picks, so a connection's inbound frames and its replies meet on one socket, and what the interpreter
/// predicts (on the packet from its network header) is what the kernel does.
/// </summary>
public class FanoutSteeringTests
{
    private const uint Vip = 0xC612_0064;
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [RootFact]
    public void Both_directions_of_each_connection_reach_the_socket_the_program_picks()
    {
        using var lab = VethLab.Create();
        using var first = lab.Open(VethLab.B, VethLab.TestOptions with { CreateFanoutGroup = true, FanoutMode = FanoutMode.Program });
        Assert.NotNull(first.FanoutGroupId);
        using var second = lab.Open(VethLab.B, VethLab.TestOptions with { FanoutGroupId = first.FanoutGroupId, FanoutMode = FanoutMode.Program });
        using var sender = lab.Open(VethLab.A);
        var program = WorkerSteeringProgram.Build([Vip], [], uint.MaxValue, [], [], UInt128.MaxValue);
        first.SetFanoutProgram(program);

        var expected = new Dictionary<ushort, int>();
        for (ushort i = 0; i < 64; i++)
        {
            // The client port is the frame's tag; the client address decides the worker.
            var client = 0xC612_0200u + (uint)(i * 37);
            var inbound = Tcp4Frame(client, (ushort)(10000 + i), Vip, 80);
            var reply = Tcp4Frame(0xC613_000B, 80, client, (ushort)(20000 + i));
            expected[(ushort)(10000 + i)] = (int)(ClassicBpfInterpreter.RunFanout(program, inbound.AsSpan(EthernetHeader.Length), 0x0800) % 2);
            expected[(ushort)(20000 + i)] = (int)(ClassicBpfInterpreter.RunFanout(program, reply.AsSpan(EthernetHeader.Length), 0x0800) % 2);
            Assert.Equal(expected[(ushort)(10000 + i)], expected[(ushort)(20000 + i)]);
            sender.TrySend(inbound);
            sender.TrySend(reply);
        }

        sender.Flush();
        var seen = new Dictionary<ushort, int>();
        foreach (var (link, index) in new[] { (first, 0), (second, 1) })
        {
            foreach (var (frame, _) in VethLab.PollFor(link, IsOurs, Quiet, stopAtFirst: false))
            {
                var tag = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(EthernetHeader.Length + 20 + 2)) is var destinationPort and >= 20000
                    ? destinationPort
                    : BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(EthernetHeader.Length + 20));
                seen.Add(tag, index);
            }
        }

        Assert.Equal(expected.Count, seen.Count);
        Assert.Equal(expected.OrderBy(e => e.Key), seen.OrderBy(e => e.Key));
        Assert.Contains(0, seen.Values);
        Assert.Contains(1, seen.Values);
    }

    [RootFact]
    public void Arp_reaches_the_first_socket_only()
    {
        using var lab = VethLab.Create();
        using var first = lab.Open(VethLab.B, VethLab.TestOptions with { CreateFanoutGroup = true, FanoutMode = FanoutMode.Program });
        using var second = lab.Open(VethLab.B, VethLab.TestOptions with { FanoutGroupId = first.FanoutGroupId, FanoutMode = FanoutMode.Program });
        using var sender = lab.Open(VethLab.A);
        first.SetFanoutProgram(WorkerSteeringProgram.Build([Vip], [], uint.MaxValue, [], [], UInt128.MaxValue));

        var arp = new byte[60];
        for (var i = 0; i < 16; i++)
        {
            var length = Arp.WriteRequest(arp, VethLab.MacA, 0xC612_0300u + (uint)i, Vip);
            sender.TrySend(arp.AsSpan(0, length));
        }

        sender.Flush();
        static bool IsArpForVip(byte[] f) => f.Length >= 42 && f[12] == 0x08 && f[13] == 0x06 && BinaryPrimitives.ReadUInt32BigEndian(f.AsSpan(38)) == Vip;
        Assert.Equal(16, VethLab.PollFor(first, IsArpForVip, Quiet, stopAtFirst: false).Count);
        Assert.Empty(VethLab.PollFor(second, IsArpForVip, Quiet, stopAtFirst: false));
    }

    private static bool IsOurs(byte[] frame) =>
        frame.Length >= EthernetHeader.Length + 40 && frame[12] == 0x08 && frame[13] == 0x00 && frame[EthernetHeader.Length + 9] == IpProtocol.Tcp
        && BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(EthernetHeader.Length + 20 + 12)) == 0x5002;

    private static byte[] Tcp4Frame(uint source, ushort sourcePort, uint destination, ushort destinationPort)
    {
        var frame = new byte[EthernetHeader.Length + 40];
        VethLab.MacB.Write(frame.AsSpan(0, 6));
        VethLab.MacA.Write(frame.AsSpan(6, 6));
        frame[12] = 0x08;
        var ip = frame.AsSpan(EthernetHeader.Length);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], 40);
        ip[8] = 64;
        ip[9] = IpProtocol.Tcp;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], source);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], destination);
        BinaryPrimitives.WriteUInt16BigEndian(ip[20..], sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(ip[22..], destinationPort);

        // Data offset 5 and SYN: a marker no other traffic on the veth carries.
        BinaryPrimitives.WriteUInt16BigEndian(ip[32..], 0x5002);
        return frame;
    }
}
