using LvsDirector.Tests.Io;

namespace LvsDirector.Benchmarks.Latency;

/// <summary>
/// A network namespace of its own holding one veth pair va ↔ vb with the veth defaults (checksum offload, TSO, GSO
/// on), deleted on Dispose. Sockets are created on a thread that joined it and can then be used from any thread.
/// </summary>
internal sealed class VethNamespace : IDisposable
{
    public const string A = "va";
    public const string B = "vb";

    private readonly NetworkNamespace ns;

    private VethNamespace(NetworkNamespace ns) => this.ns = ns;

    public static VethNamespace Create()
    {
        var ns = NetworkNamespace.Create("lvslat");
        try
        {
            ns.Ip("link", "add", A, "address", "02:00:00:00:00:0a", "type", "veth", "peer", "name", B, "address", "02:00:00:00:00:0b");
            ns.Ip("link", "set", "lo", "up");
            ns.Ip("link", "set", A, "up");
            ns.Ip("link", "set", B, "up");
            return new VethNamespace(ns);
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="action"/> on a new thread that has joined the namespace.</summary>
    public T Enter<T>(Func<T> action) => ns.Enter(action);

    public void Dispose() => ns.Dispose();
}
