using System.Net;
using System.Text;
using System.Text.Json;
using LvsDirector.Configuration;
using LvsDirector.DataPath;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Daemon.Web;

/// <summary>
/// The HTTP listener for the Prometheus endpoint and the status page. It runs its own minimal Kestrel host on
/// exactly the configured address (no wildcard, no other endpoints), so the daemon host stays a plain generic
/// host and nothing listens when the metrics section is absent.
/// </summary>
internal sealed class MetricsServer : IHostedService, IAsyncDisposable
{
    private readonly Director _director;
    private readonly MetricsConfiguration _configuration;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly PrometheusExporter _exporter;
    private readonly Func<LvsDirector.HighAvailability.VrrpInstance?> _vrrp;
    private readonly ILogger _logger;
    private WebApplication? _app;

    public MetricsServer(
        Director director, MetricsConfiguration configuration, ILoggerFactory loggerFactory, TimeProvider time, Func<LvsDirector.HighAvailability.VrrpInstance?>? vrrp = null)
    {
        _director = director;
        _configuration = configuration;
        _loggerFactory = loggerFactory;
        _time = time;
        _vrrp = vrrp ?? (() => null);
        _exporter = new PrometheusExporter(director) { Vrrp = _vrrp };
        _logger = loggerFactory.CreateLogger("lvsd.metrics");
    }

    /// <summary>Where the listener is bound once started (the real port when the configuration asked for 0).</summary>
    public IPEndPoint? BoundEndpoint { get; private set; }

    /// <summary>Adds the server to the daemon host when, and only when, the configuration has a metrics section.</summary>
    public static void Register(IServiceCollection services, DirectorConfiguration configuration)
    {
        if (configuration.Metrics is not { } metrics)
        {
            return;
        }

        services.AddSingleton(sp => new MetricsServer(
            sp.GetRequiredService<Director>(), metrics, sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>(),
            () => sp.GetService<VrrpHostedService>()?.Instance));
        services.AddHostedService(sp => sp.GetRequiredService<MetricsServer>());
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "lvsd" });
        builder.Services.AddSingleton(_loggerFactory);
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.AddServerHeader = false;
            o.Limits.MaxRequestBodySize = 0;
            o.Listen(_configuration.Listen);
        });

        var app = builder.Build();
        app.Run(HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"metrics.listen {_configuration.Listen}: {ex.Message}", ex);
        }

        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        BoundEndpoint = address is not null && Uri.TryCreate(address, UriKind.Absolute, out var uri)
            ? new IPEndPoint(_configuration.Listen.Address, uri.Port)
            : _configuration.Listen;
        _logger.MetricsListening(BoundEndpoint, _configuration.Path, _configuration.StatusPage);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Path.Value ?? "/";
        string body;
        string contentType;
        if (path == _configuration.Path)
        {
            body = _exporter.Scrape();
            contentType = PrometheusExporter.ContentType;
        }
        else if (_configuration.StatusPage && path == MetricsConfiguration.StatusJsonPath)
        {
            body = JsonSerializer.Serialize(StatusSnapshot.Take(_director, _time, _vrrp()), StatusJsonContext.Default.StatusDocument);
            contentType = "application/json; charset=utf-8";
        }
        else if (_configuration.StatusPage && path is "/" or "/status")
        {
            body = StatusPage.Render(StatusSnapshot.Take(_director, _time, _vrrp()));
            contentType = StatusPage.ContentType;
        }
        else
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "GET, HEAD";
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentType = contentType;
        response.ContentLength = bytes.Length;
        response.Headers.CacheControl = "no-store";
        if (HttpMethods.IsGet(request.Method))
        {
            await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
