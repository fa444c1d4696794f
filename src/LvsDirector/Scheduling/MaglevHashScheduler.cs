namespace LvsDirector.Scheduling;

/// <summary>
/// IPVS "mh": Maglev consistent hashing (ip_vs_mh.c). Each destination gets a permutation of the table slots from
/// two keyed hashes of its address and port (offset, skip); destinations take turns claiming their next free
/// preferred slot, <c>(last weight / gcd) &gt;&gt; rshift</c> slots per turn, until the table is full. The client
/// address (plus the source port with mh-port) hashes to a slot.
/// </summary>
/// <remarks>
/// <para>
/// Hashes are the kernel's: hsiphash (SipHash-1-3 on 64-bit) of (offset + port + address) with the fixed keys of
/// generate_hash_secret, so a table of the same size over the same list maps flows as a kernel director does.
/// The table is built in <see cref="Update"/>; a decision is one hash and one array read.
/// </para>
/// <para>
/// As in the kernel a destination keeps its last non-zero weight in the table when quiesced (weight 0), so quiescing
/// moves no other flow; its flows get null, or with mh-fallback (flag-1) the kernel's walk re-hashes with offsets
/// from the original slot until an available server turns up. A destination added at weight 0 takes no slots.
/// mh-port (flag-2) adds the source port for TCP, UDP and SCTP.
/// </para>
/// <para>
/// Table size: one of the kernel's primes 251 .. 131071 (CONFIG_IP_VS_MH_TAB_INDEX 8..17). The default here is
/// 65521 (index 16) for fine balance over large pools; the kernel's build default is 4093 (index 12).
/// </para>
/// </remarks>
public sealed class MaglevHashScheduler : Scheduler
{
    public const string SchedulerName = "mh";

    public const int DefaultTableSize = 65521;

    private static readonly int[] Primes = [251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071];

    // generate_hash_secret: fixed keys, so every director builds the same table.
    private const ulong Hash1Key = 2654435761UL;
    private const ulong Hash2Key = 2654446892UL;

    private readonly int _tableSize;
    private readonly int _tableBits;
    private readonly Dictionary<SchedulerDestination, int> _lastWeights = new(ReferenceEqualityComparer.Instance);
    private MaglevTable _table;

    public MaglevHashScheduler()
        : this(DefaultTableSize)
    {
    }

    public MaglevHashScheduler(int tableSize)
    {
        int index = Array.IndexOf(Primes, tableSize);
        if (index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tableSize), tableSize, "Not one of the kernel's mh table sizes.");
        }

        _tableSize = tableSize;
        _tableBits = (index + 8) / 2; // IP_VS_MH_TAB_BITS = CONFIG_IP_VS_MH_TAB_INDEX / 2
        var empty = new int[tableSize];
        Array.Fill(empty, -1);
        _table = new MaglevTable(empty, [], []);
    }

    public override string Name => SchedulerName;

    public int TableSize => _tableSize;

    public override void Update(IReadOnlyList<SchedulerDestination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var array = SchedulerSnapshot.CopyDestinations(destinations);
        var weights = SchedulerSnapshot.CopyWeights(array);
        var lastWeights = new int[array.Length];
        var seen = new HashSet<SchedulerDestination>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < array.Length; i++)
        {
            // last_weight keeps the latest non-zero weight; a destination first seen takes its weight as is.
            if (!_lastWeights.TryGetValue(array[i], out int last) || weights[i] != 0)
            {
                last = weights[i];
            }

            _lastWeights[array[i]] = last;
            lastWeights[i] = last;
            seen.Add(array[i]);
        }

        foreach (var gone in _lastWeights.Keys.Where(d => !seen.Contains(d)).ToList())
        {
            _lastWeights.Remove(gone);
        }

        Volatile.Write(ref _table, new MaglevTable(Populate(array, lastWeights), array, weights));
    }

    public override SchedulerDestination? Schedule(in ScheduleInput input)
    {
        var table = Volatile.Read(ref _table);
        var flags = Flags;
        uint port = (flags & SchedulerFlags.Port) != 0 && SourceHashingScheduler.HasPorts(input.Protocol) ? input.SourcePort : 0u;
        uint address = input.SourceAddress;
        var lookup = table.Lookup;
        int first = Slot(address, port, Hash1Key, 0);
        int index = lookup[first];
        if (index < 0)
        {
            return null;
        }

        if (table.IsAvailable(index))
        {
            return table.Destinations[index];
        }

        if ((flags & SchedulerFlags.Fallback) == 0)
        {
            return null;
        }

        for (int offset = 0; offset < _tableSize; offset++)
        {
            uint rotated = (uint)((offset + first) % _tableSize);
            index = lookup[Slot(address, port, Hash1Key, rotated)];
            if (index < 0)
            {
                break;
            }

            if (table.IsAvailable(index))
            {
                return table.Destinations[index];
            }
        }

        return null;
    }

    /// <summary>ip_vs_mh_hashkey reduced modulo the table size.</summary>
    private int Slot(uint address, uint port, ulong key, uint offset) =>
        (int)(KernelSipHash.Hash32(unchecked(offset + port + address), key, key) % (uint)_tableSize);

    /// <summary>ip_vs_mh_permutate and ip_vs_mh_populate.</summary>
    private int[] Populate(SchedulerDestination[] destinations, int[] lastWeights)
    {
        int size = _tableSize;
        var lookup = new int[size];
        Array.Fill(lookup, -1);
        int gcd = 0;
        int max = 0;
        foreach (int weight in lastWeights)
        {
            if (weight > 0)
            {
                gcd = gcd == 0 ? weight : SchedulerSnapshot.GreatestCommonDivisor(weight, gcd);
                max = Math.Max(max, weight);
            }
        }

        if (gcd < 1)
        {
            return lookup;
        }

        // shift = occupied bits of max/gcd minus the table bits, so a turn never claims a huge run of slots.
        int shift = Math.Max(0, (32 - int.LeadingZeroCount(max / gcd)) - _tableBits);
        int count = destinations.Length;
        var skip = new int[count];
        var next = new int[count];
        var turns = new int[count];
        for (int i = 0; i < count; i++)
        {
            uint key = unchecked(destinations[i].Port + destinations[i].Address);
            next[i] = (int)(KernelSipHash.Hash32(key, Hash1Key, Hash1Key) % (uint)size);
            skip[i] = (int)(KernelSipHash.Hash32(key, Hash2Key, Hash2Key) % (uint)(size - 1)) + 1;
            int scaled = (lastWeights[i] / gcd) >> shift;
            turns[i] = scaled != 0 ? scaled : (lastWeights[i] != 0 ? 1 : 0);
        }

        var taken = new bool[size];
        int filled = 0;
        int claimed = 0;
        while (true)
        {
            for (int i = 0; i < count;)
            {
                if (turns[i] < 1)
                {
                    i++;
                    continue;
                }

                int slot = next[i];
                while (taken[slot])
                {
                    slot += skip[i];
                    if (slot >= size)
                    {
                        slot -= size;
                    }
                }

                next[i] = slot;
                taken[slot] = true;
                lookup[slot] = i;
                if (++filled == size)
                {
                    return lookup;
                }

                if (++claimed >= turns[i])
                {
                    claimed = 0;
                    i++;
                }
            }
        }
    }
}
