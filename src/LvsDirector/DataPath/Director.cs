using LvsDirector.Services;
using Microsoft.Extensions.Logging;

namespace LvsDirector.DataPath;

/// <summary>The running director: links, workers, neighbour resolution and the service table they share.</summary>
public sealed class Director : IDisposable
{
    public Director(DirectorSettings settings, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Services = new ServiceTable();
    }

    public ServiceTable Services { get; }

    /// <summary>Opens the links, announces VIPs and starts the packet workers.</summary>
    public void Start() => throw new NotImplementedException();

    /// <summary>Stops the workers and closes the links.</summary>
    public void Stop() => throw new NotImplementedException();

    public void Dispose()
    {
    }
}
