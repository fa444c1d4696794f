using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using LvsDirector.Connections;
using LvsDirector.Forwarding;
using LvsDirector.Io;
using LvsDirector.Neighbors;
using LvsDirector.Packets;
using LvsDirector.Scheduling;
using LvsDirector.Services;

namespace LvsDirector.DataPath;

/// <summary>
/// The per-worker loop body: classify each frame, find or create its connection, schedule, rewrite and
/// transmit. Owns its connection tables and neighbour caches, so nothing here takes a lock per packet.
/// </summary>
/// <remarks>
/// Scheduling follows IPVS's ip_vs_schedule and ip_vs_sched_persist: a persistent service first looks for the client
/// network's template and reuses its real server, otherwise schedules and creates one; a one-packet (--ops) UDP
/// service schedules every datagram and keeps only a short reply entry. The control plane reaches the worker's
/// private state only through <see cref="Post"/>: actions run on the worker thread between batches.
/// IPv4 and IPv6 share one implementation of the connection flow, persistence, forwarding, fragments and ICMP:
/// generic methods over an address family struct (<see cref="Ipv4Family"/>, <see cref="Ipv6Family"/>) whose static
/// members the JIT specialises, so each family runs its own direct-call copy. What really differs stays per family in
/// the *6 partial files, the family structs (NAT rewrite, ICMP builders, Neighbor Discovery instead of ARP) and the
/// transmitters' IPv4 and IPv6 entries (<see cref="DirectRoutingTransmitter"/>, <see cref="TunnelTransmitter"/>: Packet
/// Too Big instead of fragmentation, tunnel headers); the IPv4 path only pays one branch on <see cref="FrameInfo.IsIpv6"/>.
/// </remarks>
public sealed partial class PacketWorker : IFrameSink
{
    private const long HeartbeatMs = 100;
    private const int ExpireScanPerHeartbeat = 1 << 16;
    private const int GratuitousRepeats = 3;
    private const int DefaultIpv6Capacity = 1 << 16;
    private const int MaxLearnedPending = 4096;

    private readonly LinkContext[] _links;
    private readonly ServiceTable _services;
    private readonly ConnectionTable _connections;
    private readonly DataPathCounters _counters;
    private readonly PacketWorkerOptions _options;
    private readonly ConcurrentQueue<Action<PacketWorker>> _commands = new();

    // Neighbours worker 0 learned, for the other workers; bounded so that an ARP flood cannot grow it without end.
    private readonly ConcurrentQueue<LearnedNeighbor> _learned = new();
    private int _learnedPending;
    private Exception? _fault;

    // The worker's own state, touched by its thread alone and so never locked. Per family: the connection table, where
    // each connection is sent (ConnectionPeers), the fragment cache and the VIPs still to announce. Shared by both
    // families: the buffers frames are built in (WorkerScratch) and the ICMP error budget.
    private readonly ConnectionPeers _peers;
    private readonly FragmentTracker _fragments = new();
    private readonly List<(uint Vip, int Link, int Remaining)> _announcements = [];
    private readonly Ipv6ConnectionTable _connections6;
    private readonly ConnectionPeers _peers6;
    private readonly Ipv6FragmentTracker _fragments6 = new();
    private readonly List<(UInt128 Vip, int Link, int Remaining)> _announcements6 = [];
    private readonly WorkerScratch _scratch = new();
    private readonly IcmpBudget _icmpBudget = new();

    // The link being polled: IFrameSink.OnFrame names no link, so PollOnce notes it here and ProcessFrame reads it once;
    // from there on the receiving link is passed explicitly.
    private int _currentLink;
    private long _nowMs;
    private long _nextHeartbeatMs;
    private long _seenVersion = -1;

    internal PacketWorker(
        LinkContext[] links, ServiceTable services, ConnectionTable connections, DataPathCounters counters, PacketWorkerOptions? options = null,
        Ipv6ConnectionTable? connections6 = null)
    {
        _links = links;
        _services = services;
        _connections = connections;
        _counters = counters;
        _options = options ?? PacketWorkerOptions.Default;
        _peers = new ConnectionPeers(connections.Capacity);
        _connections6 = connections6 ?? new Ipv6ConnectionTable(Math.Min(connections.Capacity, DefaultIpv6Capacity), connections.Timeouts, seed: connections.Capacity);
        _peers6 = new ConnectionPeers(_connections6.Capacity);
    }

    public DataPathCounters Counters => _counters;

    /// <summary>
    /// This worker's number: the index of its sockets in every interface's fanout group. Worker 0 receives ARP and
    /// Neighbor Discovery, answers for the VIPs, announces them and passes what it learns to <see cref="Peers"/>.
    /// </summary>
    public int Index { get; init; }

    /// <summary>The other workers of the director, which hear from worker 0 what it learned of neighbours.</summary>
    internal IReadOnlyList<PacketWorker> Peers { get; set; } = [];

    public ConnectionTable Connections => _connections;

    /// <summary>The IPv6 connections, persistence templates and one-packet entries of this worker.</summary>
    public Ipv6ConnectionTable Connections6 => _connections6;

    public PacketWorkerOptions Options => _options;

    /// <summary>The fragment cache and hold slots of this worker (for tests and diagnostics; worker thread only).</summary>
    internal FragmentTracker Fragments => _fragments;

    /// <summary>The links as this worker sees them (addresses, neighbour caches), for tests and diagnostics.</summary>
    internal IReadOnlyList<LinkContext> Links => _links;

    /// <summary>The IPv6 fragment cache of this worker (worker thread only).</summary>
    internal Ipv6FragmentTracker Fragments6 => _fragments6;

    /// <summary>
    /// Bytes per connection slot this worker keeps beside either family's table (client MAC, client link, server link):
    /// a slot costs <see cref="ConnectionTable.BytesPerEntry"/> (or <see cref="Ipv6ConnectionTable.BytesPerEntry"/>) plus this.
    /// </summary>
    public static int ParallelBytesPerEntry => ConnectionPeers.BytesPerEntry;

    /// <summary>Bytes both connection tables and this worker's per-connection arrays hold (array headers aside).</summary>
    public long ConnectionMemoryBytes => Ipv4ConnectionMemoryBytes + Ipv6ConnectionMemoryBytes;

    /// <summary>The IPv4 share of <see cref="ConnectionMemoryBytes"/>: the IPv4 table and its parallel arrays.</summary>
    internal long Ipv4ConnectionMemoryBytes => _connections.AllocatedBytes + _peers.AllocatedBytes;

    /// <summary>The IPv6 share of <see cref="ConnectionMemoryBytes"/>: the IPv6 table and its parallel arrays.</summary>
    internal long Ipv6ConnectionMemoryBytes => _connections6.AllocatedBytes + _peers6.AllocatedBytes;

    /// <summary>Where each IPv4 connection is sent: client MAC and link, server link.</summary>
    internal ConnectionPeers ConnectionPeers => _peers;

    /// <summary>Where each IPv6 connection is sent.</summary>
    internal ConnectionPeers ConnectionPeers6 => _peers6;

    /// <summary>The buffers this worker builds frames in (worker thread only).</summary>
    internal WorkerScratch Scratch => _scratch;

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
        if (!_learned.IsEmpty)
        {
            TakeLearnedNeighbors();
        }

        while (_commands.TryDequeue(out var command))
        {
            try
            {
                command(this);
            }
#pragma warning disable CA1031 // A failing control-plane command must not end the worker; it is counted and logged.
            catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                NoteFault(ex);
            }
        }

        if (_nowMs >= _nextHeartbeatMs)
        {
            _nextHeartbeatMs = _nowMs + HeartbeatMs;
            try
            {
                Heartbeat();
            }
#pragma warning disable CA1031 // Expiry and announcements run again next heartbeat; one failure must not end forwarding.
            catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                NoteFault(ex);
            }
        }
    }

    public void OnFrame(Span<byte> frame, FrameFlags flags)
    {
        // A bug on one frame's path (a crafted packet reaching a case nobody thought of) must cost that frame, not
        // all forwarding: the frame is dropped and counted, the first exception is kept for the Director to log.
        // The try costs nothing while nothing throws.
        try
        {
            ProcessFrame(frame, flags);
        }
#pragma warning disable CA1031 // Any exception here is a bug on one frame's path; it is counted and logged, not rethrown.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            NoteFault(ex);
        }
    }

    /// <summary>Passes a neighbour this worker (worker 0) read from the wire on to the other workers.</summary>
    private void ShareLearned(in LearnedNeighbor neighbor)
    {
        foreach (var peer in Peers)
        {
            if (Interlocked.Increment(ref peer._learnedPending) > MaxLearnedPending)
            {
                Interlocked.Decrement(ref peer._learnedPending);
                _counters.NeighborShareDropped++;
                continue;
            }

            peer._learned.Enqueue(neighbor);
        }
    }

    private void TakeLearnedNeighbors()
    {
        while (_learned.TryDequeue(out var neighbor))
        {
            Interlocked.Decrement(ref _learnedPending);
            if ((uint)neighbor.Link >= (uint)_links.Length)
            {
                continue;
            }

            var link = _links[neighbor.Link];
            if (neighbor.IsIpv6)
            {
                if (link.Neighbors6.Learn(neighbor.Address6, neighbor.Mac, _nowMs, create: false))
                {
                    SendHeld<Ipv6Family, UInt128>(link, neighbor.Address6);
                }
            }
            else if (link.Neighbors.Learn(neighbor.Address, neighbor.Mac, _nowMs, create: false))
            {
                SendHeld<Ipv4Family, uint>(link, neighbor.Address);
            }
        }

        foreach (var link in _links)
        {
            link.Link.Flush();
        }
    }

    /// <summary>The first exception contained since the last call, for the owner to log off the hot path.</summary>
    internal Exception? TakeFault()
    {
        var fault = _fault;
        _fault = null;
        return fault;
    }

    private void NoteFault(Exception ex)
    {
        _counters.InternalErrors++;
        _fault ??= ex;
    }

    private void ProcessFrame(Span<byte> frame, FrameFlags flags)
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
                    if (info.IsIpv6)
                    {
                        HandleFragment<Ipv6Family, UInt128, Ipv6FragmentKey>(link, frame, flags, ref info);
                    }
                    else
                    {
                        HandleFragment<Ipv4Family, uint, FragmentKey>(link, frame, flags, ref info);
                    }
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

        if (info.IsIpv6)
        {
            HandleIpv6(link, frame, flags, ref info);
            return;
        }

        HandleForUs<Ipv4Family, uint, QuotedPacket>(link, frame, flags, ref info);
    }

    // A packet of either family addressed to our MAC: TCP and UDP go to the connection flow, the family's ICMP to
    // its handler, anything else is not ours.
    private void HandleForUs<TFamily, TAddress, TQuoted>(LinkContext link, Span<byte> frame, FrameFlags flags, ref FrameInfo info)
        where TFamily : struct, IAddressFamily<TAddress>, IIcmpFamily<TAddress, TQuoted>
        where TAddress : unmanaged, IEquatable<TAddress>
        where TQuoted : struct
    {
        if (!IsForUs(link, frame))
        {
            _counters.NotForUs++;
            return;
        }

        if (info.Protocol is IpProtocol.Tcp or IpProtocol.Udp)
        {
            HandleTransport<TFamily, TAddress>(link, frame, flags, ref info);
        }
        else if (info.Protocol == TFamily.IcmpProtocol)
        {
            HandleIcmp<TFamily, TAddress, TQuoted>(link, frame, ref info);
        }
        else
        {
            _counters.NotForUs++;
        }
    }

    private static bool IsForUs(LinkContext link, ReadOnlySpan<byte> frame) =>
        EthernetHeader.Destination(frame) == link.Mac;

    // The transport flow of both families (IPv4 and IPv6 differ only in what TFamily supplies): an existing
    // connection, then a reply to one, then a new connection on a virtual service.
    private void HandleTransport<TFamily, TAddress>(LinkContext link, Span<byte> frame, FrameFlags flags, ref FrameInfo info)
        where TFamily : struct, IAddressFamily<TAddress>
        where TAddress : unmanaged, IEquatable<TAddress>
    {
        var connections = TFamily.Connections(this);
        var source = TFamily.Source(in info);
        var destination = TFamily.Destination(in info);
        var index = connections.FindInbound(info.Protocol, source, info.SourcePort, destination, info.DestinationPort);
        if (index >= 0 && info.Protocol == IpProtocol.Tcp && IsPlainSyn(info.TcpFlags) && connections.IsClosedForReuse(index))
        {
            // conn_reuse: a new SYN on a closing entry is a new connection and is scheduled afresh.
            connections.Remove(index);
            index = -1;
        }

        if (index >= 0)
        {
            ForwardInbound<TFamily, TAddress>(link, frame, flags, ref info, index);
            return;
        }

        index = connections.FindOutbound(info.Protocol, source, info.SourcePort, destination, info.DestinationPort);
        if (index >= 0)
        {
            ForwardOutbound<TFamily, TAddress>(frame, flags, ref info, index);
            return;
        }

        var snapshot = _services.Current;
        if (!TFamily.TryFindService(snapshot, in info, out var service))
        {
            if (TFamily.IsVirtualAddress(snapshot, in info))
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
            if (!SchedulePersistent<TFamily, TAddress>(service, persistence, ref info, out server, out template))
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

            var input = TFamily.ScheduleInput(in info);
            if (service.Scheduler.Schedule(in input) is not RealServer scheduled)
            {
                _counters.NoDestination++;
                return;
            }

            server = scheduled;
            realPort = server.Port != 0 ? server.Port : info.DestinationPort;
        }

        var serverLink = TFamily.ServerLink(this, server);
        if (serverLink < 0)
        {
            _counters.NoRoute++;
            return;
        }

        // Read once: the method this connection keeps, whatever ipvsadm -e does to the server later.
        var method = server.Method;
        if (method != ForwardingMethod.Masquerade)
        {
            // DR and TUN leave the packet's port alone (ipvsadm forces the server port to the service's for them).
            realPort = info.DestinationPort;
        }

        if (service.OnePacket && info.Protocol == IpProtocol.Udp)
        {
            index = connections.AddOnePacket(info.Protocol, source, info.SourcePort, destination, info.DestinationPort,
                TFamily.ServerAddress(server), realPort, server, _options.OnePacketReplySeconds, _nowMs);
            _counters.OnePacketScheduled++;
        }
        else
        {
            index = connections.Add(info.Protocol, source, info.SourcePort, destination, info.DestinationPort,
                TFamily.ServerAddress(server), realPort, server, inputOnly: method != ForwardingMethod.Masquerade, _nowMs, template);
        }

        if (index < 0)
        {
            _counters.ConnectionTableFull++;
            return;
        }

        connections.BindForwarding(index, ForwardingBinding.ToStatus(method));

        TFamily.PeersOf(this).Set(index, EthernetHeader.Source(frame).Value, link.Index, serverLink);
        service.Stats.AddConnection(Index);
        server.Stats.AddConnection(Index);
        ForwardInbound<TFamily, TAddress>(link, frame, flags, ref info, index);
    }

    // ip_vs_sched_persist: the template key is (protocol, client network, 0, VIP, service port) for a normal service,
    // (protocol, client network, 0, VIP, 0) for a port-zero one and (IP, client network, 0, mark, 0) for a firewall
    // mark; the client network is the source under the service's netmask (IPv4) or prefix mask (IPv6, default /128).
    // An existing usable template decides the real server (thresholds are not consulted, as in IPVS) and has
    // its timer restarted; otherwise the scheduler picks one and a template is created.
    private bool SchedulePersistent<TFamily, TAddress>(VirtualService service, PersistenceSettings persistence, ref FrameInfo info, out RealServer server, out int template)
        where TFamily : struct, IAddressFamily<TAddress>
        where TAddress : unmanaged, IEquatable<TAddress>
    {
        var connections = TFamily.Connections(this);
        var clientNetwork = TFamily.ClientNetwork(in info, persistence);
        byte protocol;
        TAddress virtualAddress;
        ushort virtualPort;
        var onServicePort = !service.IsFwmark && service.Port != 0;
        if (service.IsFwmark)
        {
            protocol = 0;
            virtualAddress = TFamily.FromMark(service.Fwmark);
            virtualPort = 0;
        }
        else
        {
            protocol = info.Protocol;
            virtualAddress = TFamily.Destination(in info);
            virtualPort = onServicePort ? info.DestinationPort : (ushort)0;
        }

        template = connections.FindTemplate(protocol, clientNetwork, virtualAddress, virtualPort);
        if (template >= 0)
        {
            if (connections.GetDestination(template) is RealServer bound && IsTemplateUsable(bound))
            {
                server = bound;
                connections.TouchTemplate(template, _nowMs);
                return true;
            }

            connections.InvalidateTemplate(template);
            _counters.TemplatesExpired++;
            template = -1;
        }

        var input = TFamily.ScheduleInput(in info);
        if (service.Scheduler.Schedule(in input) is not RealServer scheduled)
        {
            _counters.NoDestination++;
            server = null!;
            return false;
        }

        server = scheduled;
        if (TFamily.ServerLink(this, server) < 0)
        {
            _counters.NoRoute++;
            return false;
        }

        template = connections.AddTemplate(protocol, clientNetwork, virtualAddress, virtualPort,
            TFamily.ServerAddress(server), onServicePort ? server.Port : (ushort)0, server, persistence.TimeoutSeconds, _nowMs);
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

    internal int LinkFor(uint address)
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
        var bestLength = -1;
        for (var i = 0; i < _links.Length; i++)
        {
            var length = RouteLookup.LongestMatch<Route, uint>(_links[i].Routes, address);
            if (length > bestLength)
            {
                best = i;
                bestLength = length;
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
    internal static uint NextHop(LinkContext link, uint address) =>
        link.Routes.Length == 0 || link.IsOnLink(address) ? address : RouteLookup.NextHop<Route, uint>(link.Routes, address);

    private static bool IsPlainSyn(byte tcpFlags) =>
        (tcpFlags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst | TcpFlags.Fin)) == TcpFlags.Syn;
}
