using System.Reflection;
using LvsDirector.Configuration;
using LvsDirector.Control;
using LvsDirector.DataPath;
using LvsDirector.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;

namespace LvsDirector.Daemon;

/// <summary>Builds and runs the generic host: logging, the director, the control socket and systemd notification.</summary>
internal static class DaemonHost
{
    public static string Version =>
        typeof(DaemonHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <returns>0 after a clean shutdown (SIGTERM, SIGINT), 1 when start-up or the run failed.</returns>
    /// <param name="resolve">Reads and resolves the configuration again for reloads; null when there is none.</param>
    public static async Task<int> RunAsync(DirectorConfiguration configuration, string? configPath, Func<ResolvedConfiguration>? resolve = null)
    {
        using var host = Build(configuration, new ReloadSource(resolve is null ? null : configPath, resolve ?? (() => new ResolvedConfiguration(configuration, configPath, [], null))));
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("lvsd");
        logger.Starting(Version, Environment.ProcessId, configPath ?? "command line only");
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.Settings(string.Join(", ", configuration.Interfaces.Select(i => i.Name)), configuration.Socket.Path);
        }

        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        try
        {
            // Not RunAsync: it disposes the host, and with it the log sinks, before the last line is written.
            await host.StartAsync().ConfigureAwait(false);
            using var stopping = lifetime.ApplicationStopping.Register(logger.ShutdownRequested);
            await host.WaitForShutdownAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The host has already logged the stack trace of a failing hosted service.
            logger.Failed(ex.Message);
            using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await host.StopAsync(stopTimeout.Token).ConfigureAwait(false);
            return 1;
        }

        logger.Stopped();
        return 0;
    }

    internal static IHost Build(DirectorConfiguration configuration, ReloadSource? reloadSource = null)
    {
        // DisableDefaults: no appsettings.json, environment or argv configuration sources; the YAML file is
        // the only configuration, so nothing else can silently change behaviour.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ApplicationName = "lvsd",
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(configuration.Logging.Level);

        builder.Logging.AddSerilog(DaemonLogging.CreateLogger(configuration.Logging, DaemonLogging.IsJournal), dispose: true);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));

        builder.Services.AddSingleton(configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(SystemdNotifier.FromEnvironment());
        builder.Services.AddSingleton(sp => new SystemdNotifications(
            sp.GetRequiredService<SystemdNotifier>(),
            () => DirectorStatusText.Describe(sp.GetRequiredService<Director>().Services.Current) + sp.GetRequiredService<VrrpHostedService>().StatusText(),
            sp.GetRequiredService<ILogger<SystemdNotifications>>()));
        builder.Services.AddSingleton(sp => new Director(
            ConfigurationApplier.ToSettings(configuration),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));

        // Hosted services start in this order and stop in reverse: the director first, so the control socket
        // never answers for a director that is not running.
        builder.Services.AddHostedService<DirectorHostedService>();
        builder.Services.AddSingleton<VrrpHostedService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<VrrpHostedService>());

        // Registered after the director so it starts after it (READY=1 follows both) and stops before it.
        builder.Services.AddSingleton<IControlHandler, DirectorControlHandler>();
        builder.Services.AddHostedService<ControlServerHostedService>();
        builder.Services.AddHostedService<RateEstimationHostedService>();

        // After the director (checks change what it schedules) and before the reloader, which hands it new sets.
        builder.Services.AddSingleton(sp => new HealthSupervisor(
            sp.GetRequiredService<Director>().Services, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<HealthSupervisor>>()));
        builder.Services.AddHostedService<HealthCheckHostedService>();
        Web.MetricsServer.Register(builder.Services, configuration);

        builder.Services.AddSingleton(reloadSource ?? new ReloadSource(null, () => new ResolvedConfiguration(configuration, null, [], null)));
        builder.Services.AddSingleton(sp => new ConfigurationReconciler(
            sp.GetRequiredService<Director>().Services, configuration, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ConfigurationReloader>();
        builder.Services.AddHostedService<ReloadHostedService>();

        builder.Services.AddHostedService<SystemdNotifyHostedService>();

        builder.Services.AddHostedService(sp => new SystemdWatchdogHostedService(
            sp.GetRequiredService<SystemdNotifications>(),
            SystemdNotifier.WatchdogTimeoutFromEnvironment(),
            () => sp.GetRequiredService<Director>().IsWorkerAlive,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SystemdWatchdogHostedService>>()));
        return builder.Build();
    }
}
