using LvsDirector.Configuration;
using LvsDirector.Control;
using LvsDirector.Interop.Linux;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Daemon;

/// <summary>Serves lvsadm on the Unix control socket for as long as the director runs.</summary>
internal sealed class ControlServerHostedService : IHostedService, IAsyncDisposable
{
    private readonly ControlServer _server;

    public ControlServerHostedService(IControlHandler handler, DirectorConfiguration configuration, ILoggerFactory loggerFactory)
    {
        _server = new ControlServer(configuration.Socket.Path, handler, CreateOptions(configuration), loggerFactory.CreateLogger<ControlServer>());
    }

    /// <summary>socket.group owns the socket file and is admitted besides root and the daemon's user.</summary>
    internal static ControlServerOptions CreateOptions(DirectorConfiguration configuration) => new()
    {
        SocketGroup = configuration.Socket.Group,
        ChangeSocketGroup = UnixFileOwnership.ChangeGroup,
    };

    public Task StartAsync(CancellationToken cancellationToken) => _server.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
