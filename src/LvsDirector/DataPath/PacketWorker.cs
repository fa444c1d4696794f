using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using LvsDirector.Connections;
using LvsDirector.Forwarding;
using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Scheduling;
using LvsDirector.Services;

namespace LvsDirector.DataPath;

/// <summary>
/// The per-worker loop body: classify each frame, find or create its connection, schedule, rewrite and
/// transmit. Owns its connection table and ARP caches, so nothing here takes a lock per packet.
/// </summary>
/// <remarks>
/// Scheduling follows IPVS's ip_vs_schedule and ip_vs_sched_persist: a persistent service first looks for the client
/// network's template and reuses its real server, otherwise schedules and creates one; a one-packet (--ops) UDP
/// service schedules every datagram and keeps only a short reply entry. The control plane reaches the worker's
/// private state only through <see cref="Post"/>: actions run on the worker thread between batches.
/// </remarks>
public sealed class PacketWorker : IFrameSink
{
    private const int ScratchSize = 256 * 1024;
    private const int MaxSegments = 64;
    private const long HeartbeatMs = 100;
    private const int ExpireScanPerHeartbeat = 1 << 16;
    private const int GratuitousRepeats = 3;
    private const int MaxFragments = 64;
    private const long IcmpWindowMs = 100;
    private const int IcmpPerWindow = 100;

    private readonly LinkContext[] _links;
    private readonly ServiceTable _services;
    private readonly ConnectionTable _connections;
    private readonly DataPathCounters _counters;
    private readonly PacketWorkerOptions _options;
    private readonly ConcurrentQueue<Action<PacketWorker>> _commands = new();

    // Per connection: where replies go. The client (or its router) is answered at the MAC and on the
    // link its first frame came from, so NAT needs no routing table on the client side.
    private readonly ulong[] _clientMac;
    private readonly byte[] _clientLink;
    private readonly byte[] _serverLink;

    private readonly byte[] _scratch = new byte[ScratchSize];
    private readonly int[] _segmentLengths = new int[MaxSegments];
    private readonly uint[] _probeTargets = new uint[64];

    // DR/TUN: an encapsulated packet (or an ICMP error) is built here, fragments of it in the next.
    private readonly byte[] _tunnelScratch = new byte[ushort.MaxValue + 128];
    private readonly byte[] _fragmentScratch = new byte[2 * (ushort.MaxValue + 1024)];
    private readonly int[] _fragmentLengths = new int[MaxFragments];
    private readonly List<(uint Vip, int Link, int Remaining)> _announcements = [];
    private readonly FragmentTracker _fragments = new();

    private int _currentLink;
    private long _nowMs;
    private long _nextHeartbeatMs;
    private long _seenVersion = -1;
    private ushort _outerId;
    private long _icmpWindowEndMs;
    private int _icmpBudget;

    internal PacketWorker(LinkContext[] links, ServiceTable services, ConnectionTable connections, DataPathCounters counters, PacketWorkerOptions? options = null)
    {
        _links = links;
        _services = services;
        _connections = connections;
        _counters = counters;
        _options = options ?? PacketWorkerOptions.Default;
        _clientMac = new ulong[connections.Capacity];
        _clientLink = new byte[connections.Capacity];
        _serverLink = new byte[connections.Capacity];
    }

    public DataPathCounters Counters => _counters;

    public ConnectionTable Connections => _connections;

    public PacketWorkerOptions Options => _options;

    /// <summary>The fragment cache and hold slots of this worker (for tests and diagnostics; worker thread only).</summary>
    internal FragmentTracker Fragments => _fragments;

    /// <summary>Bytes per connection slot of this worker's data path: <see cref="ConnectionTable.BytesPerEntry"/> plus its parallel arrays.</summary>
    public static int ParallelBytesPerEntry => sizeof(ulong) + sizeof(byte) + sizeof(byte);

    /// <summary>Bytes the connection table and this worker's per-connection arrays hold (array headers aside).</summary>
    public long ConnectionMemoryBytes =>
        _connections.AllocatedBytes + ((long)_clientMac.Length * sizeof(ulong)) + _clientLink.Length + _serverLink.Length;

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

    /// <summary>
    /// Queues an action to run on the worker thread (from <see cref="MaybeHeartbeat"/>), the only safe way for another
    /// thread to touch the connection table. Not for the hot path: a closure allocates.
    /// </summary>
    public void Post(Action<PacketWorker> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        _commands.Enqueue(action);
    }

    /// <summary>Runs queued commands, then the heartbeat when due: expiry, ARP probes, VIP announcements.</summary>
    public void MaybeHeartbeat()
    {
        while (_commands.TryDequeue(out var command))
        {
            command(this);
        }

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
                if (IsForUs(link, frame))
                {
                    HandleFragment(link, frame, flags, ref info);
                }
                else
                {
                    _counters.NotForUs++;
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
        if (!snapshot.TryFindForPacket(info.Protocol, info.DestinationAddress, info.DestinationPort, out var service))
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

        if (info.Protocol == IpProtocol.Tcp && !MayStartConnection(info.TcpFlags))
        {
            _counters.TcpNotSyn++;
            return;
        }

        var persistence = service.Persistence;
        var template = -1;
        RealServer server;
        ushort realPort;
        if (persistence is not null)
        {
            if (!SchedulePersistent(service, persistence, ref info, out server, out template))
            {
                return;
            }

            // ip_vs_sched_persist: the packet's port, mapped to the server's own port only on the service port.
            realPort = info.DestinationPort == service.Port && server.Port != 0 ? server.Port : info.DestinationPort;
        }
        else
        {
            if (!service.IsFwmark && service.Port != info.DestinationPort)
            {
                // A port-zero service without persistence (IPVS refuses to schedule it too).
                _counters.NoService++;
                return;
            }

            var input = new ScheduleInput(info.SourceAddress, info.DestinationAddress, info.SourcePort, info.DestinationPort, info.Protocol);
            if (service.Scheduler.Schedule(in input) is not RealServer scheduled)
            {
                _counters.NoDestination++;
                return;
            }

            server = scheduled;
            realPort = server.Port != 0 ? server.Port : info.DestinationPort;
        }

        var serverLink = LinkFor(server.Address);
        if (serverLink < 0)
        {
            _counters.NoRoute++;
            return;
        }

        if (server.Method != ForwardingMethod.Masquerade)
        {
            // DR and TUN leave the packet's port alone (ipvsadm forces the server port to the service's for them).
            realPort = info.DestinationPort;
        }

        if (service.OnePacket && info.Protocol == IpProtocol.Udp)
        {
            index = _connections.AddOnePacket(info.Protocol, info.SourceAddress, info.SourcePort, info.DestinationAddress, info.DestinationPort,
                server.Address, realPort, server, _options.OnePacketReplySeconds, _nowMs);
            _counters.OnePacketScheduled++;
        }
        else
        {
            index = _connections.Add(info.Protocol, info.SourceAddress, info.SourcePort, info.DestinationAddress, info.DestinationPort,
                server.Address, realPort, server, inputOnly: server.Method != ForwardingMethod.Masquerade, _nowMs, template);
        }

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

    // ip_vs_sched_persist: the template key is (protocol, client network, 0, VIP, service port) for a normal service,
    // (protocol, client network, 0, VIP, 0) for a port-zero one and (IP, client network, 0, mark, 0) for a firewall
    // mark. An existing usable template decides the real server (thresholds are not consulted, as in IPVS) and has
    // its timer restarted; otherwise the scheduler picks one and a template is created.
    private bool SchedulePersistent(VirtualService service, PersistenceSettings persistence, ref FrameInfo info, out RealServer server, out int template)
    {
        var clientNetwork = info.SourceAddress & persistence.Netmask;
        byte protocol;
        uint virtualAddress;
        ushort virtualPort;
        var onServicePort = !service.IsFwmark && service.Port != 0;
        if (service.IsFwmark)
        {
            protocol = 0;
            virtualAddress = service.Fwmark;
            virtualPort = 0;
        }
        else
        {
            protocol = info.Protocol;
            virtualAddress = info.DestinationAddress;
            virtualPort = onServicePort ? info.DestinationPort : (ushort)0;
        }

        template = _connections.FindTemplate(protocol, clientNetwork, virtualAddress, virtualPort);
        if (template >= 0)
        {
            if (_connections.GetDestination(template) is RealServer bound && IsTemplateUsable(bound))
            {
                server = bound;
                _connections.TouchTemplate(template, _nowMs);
                return true;
            }

            _connections.InvalidateTemplate(template);
            _counters.TemplatesExpired++;
            template = -1;
        }

        var input = new ScheduleInput(info.SourceAddress, info.DestinationAddress, info.SourcePort, info.DestinationPort, info.Protocol);
        if (service.Scheduler.Schedule(in input) is not RealServer scheduled)
        {
            _counters.NoDestination++;
            server = null!;
            return false;
        }

        server = scheduled;
        if (LinkFor(server.Address) < 0)
        {
            _counters.NoRoute++;
            return false;
        }

        template = _connections.AddTemplate(protocol, clientNetwork, virtualAddress, virtualPort,
            server.Address, onServicePort ? server.Port : (ushort)0, server, persistence.TimeoutSeconds, _nowMs);
        if (template < 0)
        {
            _counters.ConnectionTableFull++;
            return false;
        }

        _counters.TemplatesCreated++;
        return true;
    }

    // ip_vs_check_template: the destination must still be in its service, and with expire_quiescent_template not
    // quiesced.
    private bool IsTemplateUsable(RealServer server) =>
        !server.IsRemoved && !(_options.ExpireQuiescentTemplate && server.Weight == 0);

    // tcp_conn_schedule: a SYN starts a connection, or with sloppy_tcp any segment but a RST.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool MayStartConnection(byte tcpFlags) =>
        _options.SloppyTcp ? (tcpFlags & TcpFlags.Rst) == 0 : IsPlainSyn(tcpFlags);

    private void ForwardInbound(Span<byte> frame, FrameFlags flags, ref FrameInfo info, int index)
    {
        if (_connections.GetDestination(index) is not RealServer server)
        {
            _counters.NoDestination++;
            return;
        }

        if (server.IsRemoved)
        {
            // IPVS drops packets of a connection whose destination was deleted; with expire_nodest_conn the entry
            // goes too, so the client's next attempt is scheduled afresh.
            _counters.DestinationRemoved++;
            if (_options.ExpireNodestConn)
            {
                _connections.Remove(index);
                _counters.NoDestinationExpired++;
            }

            return;
        }

        _connections.OnInbound(index, info.TcpFlags, _nowMs);
        var length = info.L3Offset + info.IpTotalLength;
        server.Stats.AddInbound(length - info.L3Offset);
        server.Service.Stats.AddInbound(length - info.L3Offset);

        ref readonly var entry = ref _connections[index];
        CompleteChecksumIfPartial(frame, flags, ref info);
        var outLink = _links[_serverLink[index]];
        var nextHop = NextHop(outLink, server.Address);
        switch (server.Method)
        {
            case ForwardingMethod.DirectRouting:
                ForwardDirect(outLink, nextHop, frame[..length], ref info);
                return;
            case ForwardingMethod.Tunnel:
                ForwardTunnel(outLink, nextHop, server, frame[..length], ref info);
                return;
        }

        NatRewriter.RewriteDestination(frame, info, entry.RealAddress, entry.RealPort);
        if (outLink.Neighbors.TryResolve(nextHop, _nowMs, out var mac))
        {
            Transmit(outLink, frame[..length], ref info, mac);
        }
        else if (outLink.Neighbors.TryHold(nextHop, frame[..length]))
        {
            _counters.NeighborHeld++;
        }
        else
        {
            _counters.NeighborUnresolved++;
        }
    }

    // ip_vs_dr_xmit: only the MACs change. A packet over the egress MTU is refused with ICMP when DF is set and fragmented
    // otherwise (ensure_mtu_is_adequate); a GRO/TSO super-frame is cut to the MTU by Transmit, as GSO would.
    private void ForwardDirect(LinkContext outLink, uint nextHop, Span<byte> frame, ref FrameInfo info)
    {
        var mtu = outLink.Link.Mtu;
        if (info.IpTotalLength > mtu && !IsSuperFrame(in info))
        {
            if (IsDontFragment(frame, in info))
            {
                SendFragmentationNeeded(frame, in info, mtu);
                return;
            }

            SendFragments(outLink, nextHop, frame, info.L3Offset, mtu);
            return;
        }

        _counters.DirectRouted++;
        if (outLink.Neighbors.TryResolve(nextHop, _nowMs, out var mac))
        {
            Transmit(outLink, frame, ref info, mac);
        }
        else if (outLink.Neighbors.TryHold(nextHop, frame))
        {
            _counters.NeighborHeld++;
        }
        else
        {
            _counters.NeighborUnresolved++;
        }
    }

    // ip_vs_tunnel_xmit: the client's packet inside an outer IPv4 header from our address on the egress link. The tunnel
    // costs 20 (IPIP) or 32 (GUE) bytes of MTU: a DF packet that no longer fits is answered with ICMP
    // fragmentation-needed carrying MTU - overhead, a non-DF one travels in outer fragments, and a super-frame is
    // segmented to fit before it is encapsulated.
    private void ForwardTunnel(LinkContext outLink, uint nextHop, RealServer server, Span<byte> frame, ref FrameInfo info)
    {
        var source = outLink.PrimaryAddress;
        if (source == 0)
        {
            _counters.NoRoute++;
            return;
        }

        var type = server.TunnelType;
        var mtu = outLink.Link.Mtu;
        var tunnelMtu = mtu - TunnelEncapsulation.Overhead(type);
        int length;
        if (info.IpTotalLength <= tunnelMtu)
        {
            length = TunnelEncapsulation.Encapsulate(frame, in info, _tunnelScratch, type, server.TunnelPort, source, server.Address, _outerId++);
            if (length > 0)
            {
                _counters.Tunnelled++;
                SendBuilt(outLink, nextHop, _tunnelScratch.AsSpan(0, length));
            }

            return;
        }

        if (IsSuperFrame(in info))
        {
            var segments = info.Protocol == IpProtocol.Tcp ? TcpSegmenter.Segment(frame, info, tunnelMtu, _scratch, _segmentLengths) : -1;
            if (segments <= 0)
            {
                _counters.OversizeDropped++;
                return;
            }

            _counters.Segmented++;
            var segmentInfo = info;
            var offset = 0;
            for (var i = 0; i < segments; i++)
            {
                var segment = _scratch.AsSpan(offset, _segmentLengths[i]);
                offset += _segmentLengths[i];
                segmentInfo.IpTotalLength = segment.Length - info.L3Offset;
                length = TunnelEncapsulation.Encapsulate(segment, in segmentInfo, _tunnelScratch, type, server.TunnelPort, source, server.Address, _outerId++);
                if (length > 0)
                {
                    _counters.Tunnelled++;
                    SendBuilt(outLink, nextHop, _tunnelScratch.AsSpan(0, length));
                }
            }

            return;
        }

        if (IsDontFragment(frame, in info))
        {
            SendFragmentationNeeded(frame, in info, tunnelMtu);
            return;
        }

        length = TunnelEncapsulation.Encapsulate(frame, in info, _tunnelScratch, type, server.TunnelPort, source, server.Address, _outerId++);
        if (length > 0)
        {
            _counters.Tunnelled++;
            SendFragments(outLink, nextHop, _tunnelScratch.AsSpan(0, length), info.L3Offset, mtu);
        }
    }

    // A frame longer than the MTU of the link it came in on can only be a GRO/TSO aggregate, never a packet on a wire.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsSuperFrame(in FrameInfo info) => info.IpTotalLength > _links[_currentLink].Link.Mtu;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDontFragment(ReadOnlySpan<byte> frame, in FrameInfo info) => Ipv4Header.IsDontFragment(frame[info.L3Offset..]);

    private void SendFragments(LinkContext outLink, uint nextHop, ReadOnlySpan<byte> frame, int l3Offset, int mtu)
    {
        var count = Ipv4Fragmenter.Fragment(frame, l3Offset, mtu, _fragmentScratch, _fragmentLengths);
        if (count <= 0)
        {
            _counters.OversizeDropped++;
            return;
        }

        _counters.Fragmented++;
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            SendBuilt(outLink, nextHop, _fragmentScratch.AsSpan(offset, _fragmentLengths[i]));
            offset += _fragmentLengths[i];
        }
    }

    // Frames built here already fit the MTU: only the MACs are left to fill in.
    private void SendBuilt(LinkContext outLink, uint nextHop, Span<byte> frame)
    {
        if (!outLink.Neighbors.TryResolve(nextHop, _nowMs, out var mac))
        {
            if (outLink.Neighbors.TryHold(nextHop, frame))
            {
                _counters.NeighborHeld++;
            }
            else
            {
                _counters.NeighborUnresolved++;
            }

            return;
        }

        EthernetHeader.SetDestination(frame, mac);
        EthernetHeader.SetSource(frame, outLink.Mac);
        if (outLink.Link.TrySend(frame))
        {
            _counters.Forwarded++;
        }
        else
        {
            _counters.TransmitFull++;
        }
    }

    // Answered from the VIP on the link the packet came in on, at most IcmpPerWindow per IcmpWindowMs (Linux rate-limits
    // ICMP errors too), so a flood of oversize packets cannot turn into a flood of answers.
    private void SendFragmentationNeeded(ReadOnlySpan<byte> frame, in FrameInfo info, int mtu)
    {
        if (_nowMs >= _icmpWindowEndMs)
        {
            _icmpWindowEndMs = _nowMs + IcmpWindowMs;
            _icmpBudget = IcmpPerWindow;
        }

        if (_icmpBudget <= 0)
        {
            _counters.IcmpRateLimited++;
            return;
        }

        _icmpBudget--;
        var link = _links[_currentLink];
        var length = FragmentationNeeded.Write(_tunnelScratch, frame, in info, link.Mac, (ushort)mtu, _outerId++);
        if (length > 0 && link.Link.TrySend(_tunnelScratch.AsSpan(0, length)))
        {
            _counters.FragmentationNeededSent++;
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
        if (Icmp.IsTranslatedError(info.IcmpType))
        {
            TranslateIcmpError(frame, ref info);
            return;
        }

        // Echo requests are answered only for a VIP announced on the link they came in on, so the server side
        // (where no VIP is announced) never gets answers in the VIP's name.
        if (info.IcmpType != Icmp.EchoRequestType || info.IcmpCode != 0 || !link.AnnouncedVips.Contains(info.DestinationAddress))
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

    // IPVS ip_vs_in_icmp / ip_vs_out_icmp: an error about one of our NAT connections is translated so that its
    // receiver can match the quote against its own socket. Which side it came from follows from the quote: a packet
    // the director sent to the client (VIP:vport -> CIP:cport) or one it sent to a real server (CIP:cport -> RIP:rport).
    // Both lookups take the quote reversed, as the flow's own packets would arrive.
    private void TranslateIcmpError(Span<byte> frame, ref FrameInfo info)
    {
        if (!Icmp.TryReadQuoted(frame, info, out var quoted))
        {
            _counters.IcmpMalformed++;
            return;
        }

        if (quoted.Protocol == IpProtocol.Icmp)
        {
            // An error about an ICMP message (e.g. about an echo reply of ours) concerns no connection.
            _counters.IcmpAboutIcmp++;
            return;
        }

        if (quoted.Protocol is not (IpProtocol.Tcp or IpProtocol.Udp))
        {
            _counters.IcmpUnknownFlow++;
            return;
        }

        if (!quoted.HasPorts)
        {
            _counters.IcmpMalformed++;
            return;
        }

        if (!Icmp.IsChecksumValid(frame.Slice(info.L4Offset, info.L4Length)))
        {
            _counters.IcmpBadChecksum++;
            return;
        }

        var index = _connections.FindInbound(quoted.Protocol, quoted.DestinationAddress, quoted.DestinationPort, quoted.SourceAddress, quoted.SourcePort);
        if (index >= 0)
        {
            IcmpErrorToServer(frame, ref info, in quoted, index);
            return;
        }

        index = _connections.FindOutbound(quoted.Protocol, quoted.DestinationAddress, quoted.DestinationPort, quoted.SourceAddress, quoted.SourcePort);
        if (index >= 0)
        {
            IcmpErrorToClient(frame, ref info, in quoted, index);
            return;
        }

        _counters.IcmpUnknownFlow++;
    }

    // From the client side: outer destination, quoted source and source port become the real server's (ip_vs_nat_icmp
    // with inout 0). The connection's state and timer are left alone, as IPVS does.
    private void IcmpErrorToServer(Span<byte> frame, ref FrameInfo info, in QuotedPacket quoted, int index)
    {
        if (_connections.GetDestination(index) is not RealServer server)
        {
            _counters.NoDestination++;
            return;
        }

        if (server.IsRemoved)
        {
            _counters.DestinationRemoved++;
            return;
        }

        var length = info.L3Offset + info.IpTotalLength;
        var outLink = _links[_serverLink[index]];
        var nextHop = NextHop(outLink, server.Address);
        server.Stats.AddInbound(info.IpTotalLength);
        server.Service.Stats.AddInbound(info.IpTotalLength);
        switch (server.Method)
        {
            // IPVS passes such an error unchanged through the connection's DR/TUN transmitter: the real server
            // holds the VIP itself, so the quote already names it.
            case ForwardingMethod.DirectRouting:
                _counters.IcmpErrorsForwarded++;
                ForwardDirect(outLink, nextHop, frame[..length], ref info);
                return;
            case ForwardingMethod.Tunnel:
                _counters.IcmpErrorsForwarded++;
                ForwardTunnel(outLink, nextHop, server, frame[..length], ref info);
                return;
        }

        ref readonly var entry = ref _connections[index];
        IcmpErrorRewriter.TranslateTowardsServer(frame, info, quoted, entry.RealAddress, entry.RealPort);
        _counters.IcmpErrorsTranslated++;
        if (outLink.Neighbors.TryResolve(nextHop, _nowMs, out var mac))
        {
            Transmit(outLink, frame[..length], ref info, mac);
        }
        else if (outLink.Neighbors.TryHold(nextHop, frame[..length]))
        {
            _counters.NeighborHeld++;
        }
        else
        {
            _counters.NeighborUnresolved++;
        }
    }

    // From the real server side: outer source, quoted destination and destination port become the VIP's
    // (ip_vs_nat_icmp with inout 1, reached through handle_response_icmp), sent where the client's packets came from.
    private void IcmpErrorToClient(Span<byte> frame, ref FrameInfo info, in QuotedPacket quoted, int index)
    {
        ref readonly var entry = ref _connections[index];
        IcmpErrorRewriter.TranslateTowardsClient(frame, info, quoted, entry.VirtualAddress, entry.VirtualPort);
        _counters.IcmpErrorsTranslated++;
        if (_connections.GetDestination(index) is RealServer server)
        {
            server.Stats.AddOutbound(info.IpTotalLength);
            server.Service.Stats.AddOutbound(info.IpTotalLength);
        }

        var length = info.L3Offset + info.IpTotalLength;
        Transmit(_links[_clientLink[index]], frame[..length], ref info, new MacAddress(_clientMac[index]));
    }

    // A fragment has no transport header past the first, so it is matched to its first fragment's ports through
    // the fragment cache and then goes the way of that connection: NAT rewrites only its address (the transport
    // checksum, which covers the whole datagram, was adjusted in the first fragment).
    private void HandleFragment(LinkContext link, Span<byte> frame, FrameFlags flags, ref FrameInfo info)
    {
        if (info.Protocol is not (IpProtocol.Tcp or IpProtocol.Udp) || (flags & FrameFlags.ChecksumNotReady) != 0
            || (info.IsFirstFragment && !info.HasTransportHeader))
        {
            // ICMP and other protocols are not forwarded in pieces (an echo request over the MTU goes unanswered); a
            // partial checksum cannot be completed from one fragment; a first fragment must carry the ports.
            _counters.FragmentsDropped++;
            return;
        }

        var ip = frame.Slice(info.L3Offset, info.IpHeaderLength);
        var key = new FragmentKey(info.SourceAddress, info.DestinationAddress, info.Protocol, Ipv4Header.Identification(ip));
        if (info.IsFirstFragment)
        {
            _counters.FragmentsFirst++;
            var slot = _fragments.RecordFirst(in key, info.SourcePort, info.DestinationPort, info.TcpFlags, info.L4Length, _nowMs);
            if (slot < 0)
            {
                _counters.FragmentCacheFull++;
            }

            // Scheduled and forwarded as any packet; the connection it finds or creates is the one the rest follow.
            HandleTransport(link, frame, flags, ref info);
            if (slot >= 0)
            {
                ReleaseHeldFragments(in key);
            }

            return;
        }

        var flow = _fragments.Find(in key, _nowMs);
        if (flow >= 0)
        {
            ForwardLaterFragment(frame, flags, ref info, flow);
            return;
        }

        switch (_fragments.Hold(in key, frame[..info.IpEnd], _nowMs))
        {
            case FragmentHoldResult.Held:
                _counters.FragmentsHeld++;
                break;
            case FragmentHoldResult.Full:
                _counters.FragmentNoFirst += _fragments.ExpireHeld(_nowMs);
                if (_fragments.Hold(in key, frame[..info.IpEnd], _nowMs) == FragmentHoldResult.Held)
                {
                    _counters.FragmentsHeld++;
                }
                else
                {
                    _counters.FragmentHeldFull++;
                }

                break;
            default:
                _counters.FragmentHeldFull++;
                break;
        }
    }

    private void ForwardLaterFragment(Span<byte> frame, FrameFlags flags, ref FrameInfo info, int flow)
    {
        ref readonly var first = ref _fragments[flow];
        var ip = frame.Slice(info.L3Offset, info.IpHeaderLength);
        _fragments.Account(flow, Ipv4Header.FragmentOffset(ip), info.L4Length, !Ipv4Header.HasMoreFragments(ip));

        // The first fragment's TCP flags stand in for the missing header, so the state machine sees the segment
        // again rather than a flagless packet (which would close the connection).
        info.TcpFlags = first.TcpFlags;
        var index = _connections.FindInbound(info.Protocol, info.SourceAddress, first.SourcePort, info.DestinationAddress, first.DestinationPort);
        if (index >= 0)
        {
            _counters.FragmentsForwarded++;
            ForwardInbound(frame, flags, ref info, index);
            return;
        }

        index = _connections.FindOutbound(info.Protocol, info.SourceAddress, first.SourcePort, info.DestinationAddress, first.DestinationPort);
        if (index >= 0)
        {
            _counters.FragmentsForwarded++;
            ForwardOutbound(frame, flags, ref info, index);
            return;
        }

        // The first fragment was dropped (no service, TCP without SYN, table full ...): so are the rest.
        _counters.FragmentNoConnection++;
    }

    // Later fragments that came before their first one go out right after it, in arrival order.
    private void ReleaseHeldFragments(in FragmentKey key)
    {
        for (var slot = _fragments.NextHeld(in key, 0); slot >= 0; slot = _fragments.NextHeld(in key, slot + 1))
        {
            var held = _fragments.HeldFrame(slot);
            var flow = _fragments.Find(in key, _nowMs);
            if (flow >= 0 && FrameParser.Parse(held, out var heldInfo) == ParseResult.Fragment && !heldInfo.IsFirstFragment)
            {
                ForwardLaterFragment(held, FrameFlags.None, ref heldInfo, flow);
            }
            else
            {
                _counters.FragmentNoFirst++;
            }

            _fragments.ReleaseHeld(slot);
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

        var parsed = FrameParser.Parse(held, out var info);
        if (parsed == ParseResult.Ok)
        {
            Transmit(link, held, ref info, mac);
        }
        else if (parsed is ParseResult.UnsupportedProtocol or ParseResult.Fragment && held.Length <= EthernetHeader.Length + link.Link.Mtu + 4)
        {
            // A tunnel packet or fragment built by ForwardTunnel/SendFragments: already fits, only the MACs are missing.
            EthernetHeader.SetDestination(held, mac);
            EthernetHeader.SetSource(held, link.Mac);
            if (link.Link.TrySend(held))
            {
                _counters.Forwarded++;
            }
        }
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

        // Off every subnet: the link whose kernel route (through a gateway) matches most specifically.
        var best = -1;
        var bestMask = 0u;
        for (var i = 0; i < _links.Length; i++)
        {
            foreach (var route in _links[i].Routes)
            {
                if (route.Matches(address) && (best < 0 || route.Mask > bestMask))
                {
                    best = i;
                    bestMask = route.Mask;
                }
            }
        }

        if (best >= 0)
        {
            return best;
        }

        // With one link and no address on it, everything is on that segment.
        return _links.Length == 1 ? 0 : -1;
    }

    // The neighbour to hand a packet for address to: itself when on-link, else the gateway of the longest matching route.
    private static uint NextHop(LinkContext link, uint address)
    {
        if (link.Routes.Length == 0 || link.IsOnLink(address))
        {
            return address;
        }

        foreach (var route in link.Routes)
        {
            if (route.Matches(address))
            {
                return route.Gateway;
            }
        }

        return address;
    }

    private static bool IsPlainSyn(byte tcpFlags) =>
        (tcpFlags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst | TcpFlags.Fin)) == TcpFlags.Syn;

    private void Heartbeat()
    {
        _connections.ExpireDue(_nowMs, ExpireScanPerHeartbeat);
        _counters.FragmentNoFirst += _fragments.ExpireHeld(_nowMs);
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
            foreach (var address in snapshot.AddressesOf(service))
            {
                announced[AnnouncingLink(service, address)].Add(address);
            }

            foreach (var server in service.Servers)
            {
                var l = LinkFor(server.Address);
                if (l >= 0)
                {
                    _links[l].Neighbors.Want(NextHop(_links[l], server.Address));
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

    private int AnnouncingLink(VirtualService service, uint address)
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
            if (_links[i].IsOnLink(address))
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
