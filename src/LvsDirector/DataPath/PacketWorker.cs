using System.Runtime.CompilerServices;
using LvsDirector.Connections;
using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Scheduling;
using LvsDirector.Services;

namespace LvsDirector.DataPath;

/// <summary>
/// The per-worker loop body: classify each frame, find or create its connection, schedule, rewrite and
/// transmit. Owns its connection table and ARP caches, so nothing here takes a lock per packet.
/// </summary>
public sealed class PacketWorker : IFrameSink
{
    private const int ScratchSize = 256 * 1024;
    private const int MaxSegments = 64;
    private const long HeartbeatMs = 100;
    private const int ExpireScanPerHeartbeat = 1 << 16;
    private const int GratuitousRepeats = 3;

    private readonly LinkContext[] _links;
    private readonly ServiceTable _services;
    private readonly ConnectionTable _connections;
    private readonly DataPathCounters _counters;

    // Per connection: where replies go. The client (or its router) is answered at the MAC and on the
    // link its first frame came from, so NAT needs no routing table on the client side.
    private readonly ulong[] _clientMac;
    private readonly byte[] _clientLink;
    private readonly byte[] _serverLink;

    private readonly byte[] _scratch = new byte[ScratchSize];
    private readonly int[] _segmentLengths = new int[MaxSegments];
    private readonly uint[] _probeTargets = new uint[64];
    private readonly List<(uint Vip, int Link, int Remaining)> _announcements = [];

    private int _currentLink;
    private long _nowMs;
    private long _nextHeartbeatMs;
    private long _seenVersion = -1;

    internal PacketWorker(LinkContext[] links, ServiceTable services, ConnectionTable connections, DataPathCounters counters)
    {
        _links = links;
        _services = services;
        _connections = connections;
        _counters = counters;
        _clientMac = new ulong[connections.Capacity];
        _clientLink = new byte[connections.Capacity];
        _serverLink = new byte[connections.Capacity];
    }

    public DataPathCounters Counters => _counters;

    public ConnectionTable Connections => _connections;

    /// <summary>Current worker time in milliseconds; set by the loop before each poll.</summary>
    public long NowMs
    {
        get => _nowMs;
        set => _nowMs = value;
    }

    /// <summary>Polls every link once; returns how many frames were handled.</summary>
    public int PollOnce(int timeoutMs)
    {
        var handled = 0;
        for (var i = 0; i < _links.Length; i++)
        {
            _currentLink = i;
            handled += _links[i].Link.Poll(this, _links.Length == 1 ? timeoutMs : 0);
        }

        for (var i = 0; i < _links.Length; i++)
        {
            _links[i].Link.Flush();
        }

        return handled;
    }

    /// <summary>Selects the link whose frames the next <see cref="OnFrame"/> calls belong to (for tests and custom loops).</summary>
    public void SetCurrentLink(int index) => _currentLink = index;

    /// <summary>Runs the heartbeat when due: expiry, ARP probes, VIP announcements.</summary>
    public void MaybeHeartbeat()
    {
        if (_nowMs >= _nextHeartbeatMs)
        {
            _nextHeartbeatMs = _nowMs + HeartbeatMs;
            Heartbeat();
        }
    }

    public void OnFrame(Span<byte> frame, FrameFlags flags)
    {
        _counters.Received++;
        if (frame.Length < EthernetHeader.Length)
        {
            _counters.Malformed++;
            return;
        }

        var link = _links[_currentLink];
        var result = FrameParser.Parse(frame, out var info);
        switch (result)
        {
            case ParseResult.Ok:
                break;
            case ParseResult.Arp:
                HandleArp(link, frame, info.L3Offset);
                return;
            case ParseResult.NotIpv4:
                _counters.NotForUs++;
                return;
            case ParseResult.Fragment:
                // Fragments are tracked in a later step; until then they are dropped and counted.
                if (IsForUs(link, frame))
                {
                    _counters.FragmentsDropped++;
                }

                return;
            default:
                if (IsForUs(link, frame))
                {
                    _counters.Malformed++;
                }

                return;
        }

        if (!IsForUs(link, frame))
        {
            _counters.NotForUs++;
            return;
        }

        if (info.Protocol is IpProtocol.Tcp or IpProtocol.Udp)
        {
            HandleTransport(link, frame, flags, ref info);
        }
        else if (info.Protocol == IpProtocol.Icmp)
        {
            HandleIcmp(link, frame, ref info);
        }
        else
        {
            _counters.NotForUs++;
        }
    }

    private static bool IsForUs(LinkContext link, ReadOnlySpan<byte> frame) =>
        EthernetHeader.Destination(frame) == link.Mac;

    private void HandleTransport(LinkContext link, Span<byte> frame, FrameFlags flags, ref FrameInfo info)
    {
        var index = _connections.FindInbound(info.Protocol, info.SourceAddress, info.SourcePort, info.DestinationAddress, info.DestinationPort);
        if (index >= 0)
        {
            if (info.Protocol == IpProtocol.Tcp && IsPlainSyn(info.TcpFlags) && _connections.IsClosedForReuse(index))
            {
                // conn_reuse: a new SYN on a closing entry is a new connection and is scheduled afresh.
                _connections.Remove(index);
                index = -1;
            }
        }

        if (index >= 0)
        {
            ForwardInbound(frame, flags, ref info, index);
            return;
        }

        index = _connections.FindOutbound(info.Protocol, info.SourceAddress, info.SourcePort, info.DestinationAddress, info.DestinationPort);
        if (index >= 0)
        {
            ForwardOutbound(frame, flags, ref info, index);
            return;
        }

        var snapshot = _services.Current;
        if (!snapshot.TryFind(info.Protocol, info.DestinationAddress, info.DestinationPort, out var service))
        {
            if (snapshot.IsVirtualAddress(info.DestinationAddress))
            {
                _counters.NoService++;
            }
            else
            {
                _counters.NotForUs++;
            }

            return;
        }

        if (info.Protocol == IpProtocol.Tcp && !IsPlainSyn(info.TcpFlags))
        {
            _counters.TcpNotSyn++;
            return;
        }

        var input = new ScheduleInput(info.SourceAddress, info.DestinationAddress, info.SourcePort, info.DestinationPort, info.Protocol);
        if (service.Scheduler.Schedule(in input) is not RealServer server)
        {
            _counters.NoDestination++;
            return;
        }

        var serverLink = LinkFor(server.Address);
        if (serverLink < 0)
        {
            _counters.NoRoute++;
            return;
        }

        index = _connections.Add(info.Protocol, info.SourceAddress, info.SourcePort, info.DestinationAddress, info.DestinationPort,
            server.Address, server.Port, server, inputOnly: server.Method != ForwardingMethod.Masquerade, _nowMs);
        if (index < 0)
        {
            _counters.ConnectionTableFull++;
            return;
        }

        _clientMac[index] = EthernetHeader.Source(frame).Value;
        _clientLink[index] = (byte)link.Index;
        _serverLink[index] = (byte)serverLink;
        service.Stats.AddConnection();
        server.Stats.AddConnection();
        ForwardInbound(frame, flags, ref info, index);
    }

    private void ForwardInbound(Span<byte> frame, FrameFlags flags, ref FrameInfo info, int index)
    {
        if (_connections.GetDestination(index) is not RealServer server)
        {
            _counters.NoDestination++;
            return;
        }

        if (server.IsRemoved)
        {
            // IPVS drops packets of a connection whose destination was deleted (expire_nodest_conn=0).
            _counters.DestinationRemoved++;
            return;
        }

        _connections.OnInbound(index, info.TcpFlags, _nowMs);
        var length = info.L3Offset + info.IpTotalLength;
        server.Stats.AddInbound(length - info.L3Offset);
        server.Service.Stats.AddInbound(length - info.L3Offset);

        ref readonly var entry = ref _connections[index];
        CompleteChecksumIfPartial(frame, flags, ref info);
        NatRewriter.RewriteDestination(frame, info, entry.RealAddress, entry.RealPort);
        var outLink = _links[_serverLink[index]];
        if (outLink.Neighbors.TryResolve(server.Address, _nowMs, out var mac))
        {
            Transmit(outLink, frame[..length], ref info, mac);
        }
        else if (outLink.Neighbors.TryHold(server.Address, frame[..length]))
        {
            _counters.NeighborHeld++;
        }
        else
        {
            _counters.NeighborUnresolved++;
        }
    }

    private void ForwardOutbound(Span<byte> frame, FrameFlags flags, ref FrameInfo info, int index)
    {
        var server = _connections.GetDestination(index) as RealServer;
        _connections.OnOutbound(index, info.TcpFlags, _nowMs);
        var length = info.L3Offset + info.IpTotalLength;
        if (server is not null)
        {
            server.Stats.AddOutbound(length - info.L3Offset);
            server.Service.Stats.AddOutbound(length - info.L3Offset);
        }

        ref readonly var entry = ref _connections[index];
        CompleteChecksumIfPartial(frame, flags, ref info);
        NatRewriter.RewriteSource(frame, info, entry.VirtualAddress, entry.VirtualPort);
        Transmit(_links[_clientLink[index]], frame[..length], ref info, new MacAddress(_clientMac[index]));
    }

    // The checksum of a CSUMNOTREADY frame holds only the pseudo-header sum; an incremental update on it
    // is garbage, so the full sum is computed before the rewrite.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CompleteChecksumIfPartial(Span<byte> frame, FrameFlags flags, ref FrameInfo info)
    {
        if ((flags & FrameFlags.ChecksumNotReady) != 0)
        {
            TransportChecksum.Complete(frame, info);
            _counters.ChecksumsCompleted++;
        }
    }

    private void Transmit(LinkContext outLink, Span<byte> frame, ref FrameInfo info, MacAddress destinationMac)
    {
        EthernetHeader.SetDestination(frame, destinationMac);
        EthernetHeader.SetSource(frame, outLink.Mac);
        if (info.IpTotalLength <= outLink.Link.Mtu)
        {
            if (outLink.Link.TrySend(frame))
            {
                _counters.Forwarded++;
            }
            else
            {
                _counters.TransmitFull++;
            }

            return;
        }

        // A GRO/TSO super-frame: cut it to the MTU, as a NIC would have.
        if (info.Protocol != IpProtocol.Tcp)
        {
            _counters.OversizeDropped++;
            return;
        }

        var segments = TcpSegmenter.Segment(frame, info, outLink.Link.Mtu, _scratch, _segmentLengths);
        if (segments <= 0)
        {
            _counters.OversizeDropped++;
            return;
        }

        _counters.Segmented++;
        var offset = 0;
        for (var i = 0; i < segments; i++)
        {
            if (outLink.Link.TrySend(_scratch.AsSpan(offset, _segmentLengths[i])))
            {
                _counters.Forwarded++;
            }
            else
            {
                _counters.TransmitFull++;
            }

            offset += _segmentLengths[i];
        }
    }

    private void HandleIcmp(LinkContext link, Span<byte> frame, ref FrameInfo info)
    {
        if (info.IcmpType != 8 || info.IcmpCode != 0 || !link.AnnouncedVips.Contains(info.DestinationAddress))
        {
            _counters.NotForUs++;
            return;
        }

        var length = Icmp.WriteEchoReply(_scratch, frame, info, link.Mac);
        if (length > 0 && link.Link.TrySend(_scratch.AsSpan(0, length)))
        {
            _counters.EchoRepliesSent++;
        }
    }

    private void HandleArp(LinkContext link, Span<byte> frame, int l3Offset)
    {
        if (!Arp.TryRead(frame, l3Offset, out var arp))
        {
            _counters.Malformed++;
            return;
        }

        // Only refresh neighbours we already track, so ARP chatter cannot fill the cache.
        if (arp.SenderAddress != 0 && link.Neighbors.Learn(arp.SenderAddress, arp.SenderMac, _nowMs, create: false))
        {
            SendHeld(link, arp.SenderAddress);
        }

        if (arp.Operation == 1 && link.AnnouncedVips.Contains(arp.TargetAddress) && arp.SenderAddress != arp.TargetAddress)
        {
            var length = Arp.WriteReply(_scratch, link.Mac, arp.TargetAddress, arp.SenderMac, arp.SenderAddress);
            if (link.Link.TrySend(_scratch.AsSpan(0, length)))
            {
                _counters.ArpRepliesSent++;
            }
        }
    }

    private void SendHeld(LinkContext link, uint address)
    {
        if (!link.Neighbors.TryTakeHeld(address, out var held, out var mac))
        {
            return;
        }

        if (FrameParser.Parse(held, out var info) != ParseResult.Ok)
        {
            return;
        }

        Transmit(link, held, ref info, mac);
    }

    private int LinkFor(uint address)
    {
        for (var i = 0; i < _links.Length; i++)
        {
            if (_links[i].IsOnLink(address))
            {
                return i;
            }
        }

        // With one link and no address on it, everything is on that segment.
        return _links.Length == 1 ? 0 : -1;
    }

    private static bool IsPlainSyn(byte tcpFlags) =>
        (tcpFlags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst | TcpFlags.Fin)) == TcpFlags.Syn;

    private void Heartbeat()
    {
        _connections.ExpireDue(_nowMs, ExpireScanPerHeartbeat);
        var snapshot = _services.Current;
        if (snapshot.Version != _seenVersion)
        {
            _seenVersion = snapshot.Version;
            OnServicesChanged(snapshot);
        }

        AnnounceVips();
        foreach (var link in _links)
        {
            var n = link.Neighbors.CollectProbes(_nowMs, _probeTargets);
            for (var i = 0; i < n; i++)
            {
                var length = Arp.WriteRequest(_scratch, link.Mac, link.PrimaryAddress, _probeTargets[i]);
                if (link.Link.TrySend(_scratch.AsSpan(0, length)))
                {
                    _counters.ArpRequestsSent++;
                }
            }

            link.Link.Flush();
        }
    }

    // Runs only when the configuration changed, so allocating here is fine.
    private void OnServicesChanged(ServiceTableSnapshot snapshot)
    {
        var announced = new HashSet<uint>[_links.Length];
        for (var i = 0; i < _links.Length; i++)
        {
            announced[i] = [];
        }

        foreach (var service in snapshot.Services)
        {
            announced[AnnouncingLink(service)].Add(service.Address);
            foreach (var server in service.Servers)
            {
                var l = LinkFor(server.Address);
                if (l >= 0)
                {
                    _links[l].Neighbors.Want(server.Address);
                }
            }
        }

        for (var i = 0; i < _links.Length; i++)
        {
            foreach (var vip in announced[i])
            {
                if (!_links[i].AnnouncedVips.Contains(vip))
                {
                    _announcements.Add((vip, i, GratuitousRepeats));
                }
            }

            _links[i].AnnouncedVips = announced[i];
        }
    }

    private int AnnouncingLink(VirtualService service)
    {
        if (service.Interface is { } name)
        {
            for (var i = 0; i < _links.Length; i++)
            {
                if (string.Equals(_links[i].Name, name, StringComparison.Ordinal))
                {
                    return i;
                }
            }
        }

        for (var i = 0; i < _links.Length; i++)
        {
            if (_links[i].IsOnLink(service.Address))
            {
                return i;
            }
        }

        return 0;
    }

    private void AnnounceVips()
    {
        // One gratuitous ARP per heartbeat per VIP, a few times, as keepalived repeats its GARPs.
        for (var i = _announcements.Count - 1; i >= 0; i--)
        {
            var (vip, l, remaining) = _announcements[i];
            var link = _links[l];
            if (link.AnnouncedVips.Contains(vip))
            {
                var length = Arp.WriteGratuitous(_scratch, link.Mac, vip);
                if (link.Link.TrySend(_scratch.AsSpan(0, length)))
                {
                    _counters.GratuitousArpsSent++;
                }
            }

            if (remaining <= 1)
            {
                _announcements.RemoveAt(i);
            }
            else
            {
                _announcements[i] = (vip, l, remaining - 1);
            }
        }
    }
}
