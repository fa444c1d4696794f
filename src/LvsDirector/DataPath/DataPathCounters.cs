namespace LvsDirector.DataPath;

/// <summary>
/// Why frames were dropped or what the data path did, counted per worker. Only the owning worker writes
/// (plain increments); the control plane reads with Volatile, a torn 64-bit read is impossible on x64.
/// </summary>
public sealed class DataPathCounters
{
    internal long Received;
    internal long Forwarded;
    internal long Malformed;
    internal long NotForUs;
    internal long NoService;
    internal long TcpNotSyn;
    internal long NoDestination;
    internal long DestinationRemoved;
    internal long ConnectionTableFull;
    internal long NeighborHeld;
    internal long NeighborUnresolved;
    internal long NoRoute;
    internal long TransmitFull;
    internal long OversizeDropped;
    internal long Segmented;
    internal long ChecksumsCompleted;
    internal long ArpRepliesSent;
    internal long ArpRequestsSent;
    internal long GratuitousArpsSent;
    internal long EchoRepliesSent;
    internal long FragmentsDropped;
    internal long TemplatesCreated;
    internal long TemplatesExpired;
    internal long NoDestinationExpired;
    internal long OnePacketScheduled;
    internal long IcmpErrorsTranslated;
    internal long IcmpUnknownFlow;
    internal long IcmpAboutIcmp;
    internal long IcmpMalformed;
    internal long IcmpBadChecksum;
    internal long IcmpErrorsForwarded;
    internal long FragmentsFirst;
    internal long FragmentsForwarded;
    internal long FragmentsHeld;
    internal long FragmentNoFirst;
    internal long FragmentCacheFull;
    internal long FragmentHeldFull;
    internal long FragmentNoConnection;
    internal long DirectRouted;
    internal long Tunnelled;
    internal long FragmentationNeededSent;
    internal long IcmpRateLimited;
    internal long Fragmented;
    internal long NeighborAdvertisementsSent;
    internal long NeighborSolicitationsSent;
    internal long UnsolicitedAdvertisementsSent;
    internal long PacketTooBigSent;
    internal long InternalErrors;
    internal long NeighborShareDropped;

    public long ReceivedFrames => Volatile.Read(ref Received);

    public long ForwardedFrames => Volatile.Read(ref Forwarded);

    /// <summary>Frames (or control commands) dropped because handling them threw: each one is a bug to report.</summary>
    public long InternalErrorCount => Volatile.Read(ref InternalErrors);

    /// <summary>Every counter by a stable snake_case name, for logs, metrics and lvsadm.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Snapshot() =>
    [
        new("received", Volatile.Read(ref Received)),
        new("forwarded", Volatile.Read(ref Forwarded)),
        new("drop_malformed", Volatile.Read(ref Malformed)),
        new("drop_internal_error", Volatile.Read(ref InternalErrors)),
        new("ignored_not_for_us", Volatile.Read(ref NotForUs)),
        new("drop_no_service", Volatile.Read(ref NoService)),
        new("drop_tcp_not_syn", Volatile.Read(ref TcpNotSyn)),
        new("drop_no_destination", Volatile.Read(ref NoDestination)),
        new("drop_destination_removed", Volatile.Read(ref DestinationRemoved)),
        new("drop_connection_table_full", Volatile.Read(ref ConnectionTableFull)),
        new("neighbor_held", Volatile.Read(ref NeighborHeld)),
        new("drop_neighbor_unresolved", Volatile.Read(ref NeighborUnresolved)),
        new("drop_no_route", Volatile.Read(ref NoRoute)),
        new("drop_transmit_full", Volatile.Read(ref TransmitFull)),
        new("drop_oversize", Volatile.Read(ref OversizeDropped)),
        new("segmented_superframes", Volatile.Read(ref Segmented)),
        new("checksums_completed", Volatile.Read(ref ChecksumsCompleted)),
        new("arp_replies_sent", Volatile.Read(ref ArpRepliesSent)),
        new("arp_requests_sent", Volatile.Read(ref ArpRequestsSent)),
        new("gratuitous_arps_sent", Volatile.Read(ref GratuitousArpsSent)),
        new("icmp_echo_replies_sent", Volatile.Read(ref EchoRepliesSent)),
        new("drop_fragment", Volatile.Read(ref FragmentsDropped)),
        new("persistence_templates_created", Volatile.Read(ref TemplatesCreated)),
        new("persistence_templates_invalidated", Volatile.Read(ref TemplatesExpired)),
        new("expired_nodest_connections", Volatile.Read(ref NoDestinationExpired)),
        new("one_packet_scheduled", Volatile.Read(ref OnePacketScheduled)),
        new("icmp_errors_translated", Volatile.Read(ref IcmpErrorsTranslated)),
        new("drop_icmp_unknown_flow", Volatile.Read(ref IcmpUnknownFlow)),
        new("drop_icmp_about_icmp", Volatile.Read(ref IcmpAboutIcmp)),
        new("drop_icmp_malformed", Volatile.Read(ref IcmpMalformed)),
        new("drop_icmp_bad_checksum", Volatile.Read(ref IcmpBadChecksum)),
        new("icmp_errors_forwarded", Volatile.Read(ref IcmpErrorsForwarded)),
        new("fragments_first", Volatile.Read(ref FragmentsFirst)),
        new("fragments_forwarded", Volatile.Read(ref FragmentsForwarded)),
        new("fragments_held", Volatile.Read(ref FragmentsHeld)),
        new("drop_fragment_no_first", Volatile.Read(ref FragmentNoFirst)),
        new("drop_fragment_cache_full", Volatile.Read(ref FragmentCacheFull)),
        new("drop_fragment_held_full", Volatile.Read(ref FragmentHeldFull)),
        new("drop_fragment_no_connection", Volatile.Read(ref FragmentNoConnection)),
        new("direct_routed", Volatile.Read(ref DirectRouted)),
        new("tunnelled", Volatile.Read(ref Tunnelled)),
        new("icmp_frag_needed_sent", Volatile.Read(ref FragmentationNeededSent)),
        new("icmp_rate_limited", Volatile.Read(ref IcmpRateLimited)),
        new("fragmented_datagrams", Volatile.Read(ref Fragmented)),
        new("nd_advertisements_sent", Volatile.Read(ref NeighborAdvertisementsSent)),
        new("nd_solicitations_sent", Volatile.Read(ref NeighborSolicitationsSent)),
        new("nd_unsolicited_advertisements_sent", Volatile.Read(ref UnsolicitedAdvertisementsSent)),
        new("icmp6_packet_too_big_sent", Volatile.Read(ref PacketTooBigSent)),
        new("drop_neighbor_share", Volatile.Read(ref NeighborShareDropped)),
    ];

    /// <summary>The counters of several workers added up, by the names of <see cref="Snapshot"/>.</summary>
    public static IReadOnlyList<KeyValuePair<string, long>> Sum(IEnumerable<DataPathCounters> workers)
    {
        ArgumentNullException.ThrowIfNull(workers);
        KeyValuePair<string, long>[]? total = null;
        foreach (var worker in workers)
        {
            var snapshot = worker.Snapshot();
            if (total is null)
            {
                total = [.. snapshot];
                continue;
            }

            for (var i = 0; i < total.Length; i++)
            {
                total[i] = new(total[i].Key, total[i].Value + snapshot[i].Value);
            }
        }

        return total ?? new DataPathCounters().Snapshot();
    }
}
