using BenchmarkDotNet.Attributes;
using LvsDirector.Connections;

namespace LvsDirector.Benchmarks;

/// <summary>
/// Lookups and add/remove on a table filled to half, with random tuples so the
/// memory access pattern is that of real traffic rather than one hot cache line. One operation = OperationsPerInvoke.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ConnectionTableBenchmarks
{
    private const int Batch = 4096;
    private const byte Tcp = 6;
    private const uint Vip = 0xC6120064;

    private ConnectionTable _table = null!;
    private BenchmarkDestination _destination = null!;
    private uint[] _clients = null!;
    private ushort[] _ports = null!;
    private int _next;
    private int _mask;

    /// <summary>Slots; half are filled. 8192 stays in cache, 1M (64 MB) measures memory latency.</summary>
    [Params(1 << 13, 1 << 20)]
    public int Capacity { get; set; }

    private int Live => Capacity / 2;

    [GlobalSetup]
    public void Setup()
    {
        _table = new ConnectionTable(Capacity, ConnectionTimeouts.Default, seed: 99);
        _mask = Live - 1;
        _destination = new BenchmarkDestination(0xC6120101, 8080, 1);
        var random = new Random(5);
        _clients = new uint[Live];
        _ports = new ushort[Live];
        for (int i = 0; i < Live; i++)
        {
            _clients[i] = 0xC6130000u | (uint)random.Next(1 << 16);
            _ports[i] = (ushort)random.Next(1024, 65536);
            if (_table.FindInbound(Tcp, _clients[i], _ports[i], Vip, 80) < 0)
            {
                _table.Add(Tcp, _clients[i], _ports[i], Vip, 80, 0xC6120101, 8080, _destination, false, 0);
            }
        }

        // Entries were allocated in key order; shuffle the keys so reading them in order hits the table at random,
        // while the key arrays themselves stream from memory like parsed packet headers would.
        for (int i = Live - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (_clients[i], _clients[j]) = (_clients[j], _clients[i]);
            (_ports[i], _ports[j]) = (_ports[j], _ports[i]);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int FindInboundHit()
    {
        int found = 0;
        int start = _next;
        for (int i = 0; i < Batch; i++)
        {
            int k = (start + i) & _mask;
            found += _table.FindInbound(Tcp, _clients[k], _ports[k], Vip, 80) >= 0 ? 1 : 0;
        }

        _next = (start + Batch) & _mask;
        return found;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int FindOutboundHit()
    {
        int found = 0;
        int start = _next;
        for (int i = 0; i < Batch; i++)
        {
            int k = (start + i) & _mask;
            found += _table.FindOutbound(Tcp, 0xC6120101, 8080, _clients[k], _ports[k]) >= 0 ? 1 : 0;
        }

        _next = (start + Batch) & _mask;
        return found;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int FindInboundMiss()
    {
        int found = 0;
        for (int i = 0; i < Batch; i++)
        {
            int k = (_next + i) & _mask;
            found += _table.FindInbound(Tcp, _clients[k], _ports[k], Vip, 81) >= 0 ? 1 : 0;
        }

        _next = (_next + Batch) & _mask;
        return found;
    }

    /// <summary>Add, SYN, ACK and remove of a fresh connection: the full life of a short flow.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int AddStateRemove()
    {
        int sum = 0;
        for (int i = 0; i < Batch; i++)
        {
            int index = _table.Add(Tcp, 0xC6140000u + (uint)i, 1000, Vip, 80, 0xC6120101, 8080, _destination, false, i);
            _table.OnInbound(index, TcpFlagBits.Syn, i);
            _table.OnInbound(index, TcpFlagBits.Ack, i);
            _table.Remove(index);
            sum += index;
        }

        return sum;
    }
}
