using LvsDirector.Control;

namespace LvsDirector.Admin;

/// <summary>Turns a parsed command into a control request, sends it to lvsd and prints what ipvsadm would.</summary>
internal sealed class CommandExecutor
{
    /// <summary>How long lvsadm waits for lvsd; longer than the server's own handler timeout.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(35);

    private readonly TextReader _stdin;
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private readonly INameService _names;
    private readonly IpvsadmFormatter _formatter;
    private readonly Func<string, ControlRequest, CancellationToken, Task<ControlResponse>> _send;
    private readonly Func<string, string?> _environment;

    public CommandExecutor(
        TextReader stdin,
        TextWriter stdout,
        TextWriter stderr,
        INameService names,
        Func<string, ControlRequest, CancellationToken, Task<ControlResponse>> send,
        Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(environment);
        _stdin = stdin;
        _stdout = stdout;
        _names = names;
        _stderr = stderr;
        _formatter = new IpvsadmFormatter(names);
        _send = send;
        _environment = environment;
    }

    public async Task<int> ExecuteAsync(AdminCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        switch (command.Kind)
        {
            case AdminCommandKind.Help:
                await _stdout.WriteAsync(UsageText.Usage(Program.Name)).ConfigureAwait(false);
                return ExitCodes.Success;
            case AdminCommandKind.Version:
                await _stdout.WriteAsync(UsageText.Version(Program.Name)).ConfigureAwait(false);
                return ExitCodes.Success;
            case AdminCommandKind.Restore:
                return await RestoreAsync(command, cancellationToken).ConfigureAwait(false);
        }

        var socketPath = ControlDefaults.ResolveSocketPath(command.SocketPath, _environment);
        var request = BuildRequest(command);
        ControlResponse response;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(RequestTimeout);
            try
            {
                response = await _send(socketPath, request, timeout.Token).ConfigureAwait(false);
            }
            catch (ControlConnectionException ex)
            {
                // Same role and exit code as ipvsadm's "Can't initialize ipvs" when the kernel part is missing.
                await _stderr.WriteAsync(
                    $"Can't initialize ipvs: {ex.Message}\n" +
                    $"Are you sure that lvsd is running? (socket: --socket PATH, ${ControlDefaults.SocketEnvironmentVariable}, default {ControlDefaults.SocketPath})\n")
                    .ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (ControlProtocolException ex)
            {
                await _stderr.WriteAsync($"{Program.Name}: unexpected answer from lvsd on {socketPath}: {ex.Message}\n").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await _stderr.WriteAsync($"{Program.Name}: lvsd on {socketPath} did not answer within {RequestTimeout.TotalSeconds:0} seconds\n")
                    .ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        }

        var listing = command.Kind is AdminCommandKind.List or AdminCommandKind.Save;
        if (!response.Ok && command.Kind == AdminCommandKind.Reload)
        {
            // Every configuration error, one per line, as lvsd logged them.
            await _stderr.WriteAsync($"{response.Message ?? response.Error.ToString()}\n").ConfigureAwait(false);
            return ExitCodes.OperationFailed;
        }

        if (!response.Ok)
        {
            await _stderr.WriteAsync(IpvsErrorText.For(command.Kind, response.Error, response.Message) + "\n").ConfigureAwait(false);
            return listing ? ExitCodes.ListFailed : ExitCodes.OperationFailed;
        }

        return listing ? await PrintListingAsync(command, response).ConfigureAwait(false) : ExitCodes.Success;
    }

    /// <summary>
    /// -R: every line of stdin is a command line of its own (ipvsadm's restore_table), carried out in order.
    /// Unlike ipvsadm, which goes on after a line the kernel refused, lvsadm stops at the first failing line so a
    /// half-applied table is never mistaken for success; the line is named after ipvsadm's message.
    /// </summary>
    private async Task<int> RestoreAsync(AdminCommand restore, CancellationToken cancellationToken)
    {
        var parser = new CommandLineParser(_names);
        foreach (var line in RestoreReader.Read(_stdin))
        {
            AdminCommand command;
            try
            {
                command = parser.Parse(line.Arguments);
            }
            catch (CommandLineException ex)
            {
                await _stderr.WriteAsync(ex.ErrorText(Program.Name)).ConfigureAwait(false);
                await ReportRestoreStopAsync(line).ConfigureAwait(false);
                return ex.ExitCode;
            }

            if (command.Kind == AdminCommandKind.Restore)
            {
                // ipvsadm refuses -R inside -R ("avoid infinite loop") with its try-help exit.
                await _stderr.WriteAsync(CommandLineException.TryHelp().ErrorText(Program.Name)).ConfigureAwait(false);
                await ReportRestoreStopAsync(line).ConfigureAwait(false);
                return ExitCodes.OperationFailed;
            }

            command.SocketPath ??= restore.SocketPath;
            var exitCode = await ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
            if (exitCode != ExitCodes.Success)
            {
                await ReportRestoreStopAsync(line).ConfigureAwait(false);
                return exitCode;
            }

            if (command.Kind is AdminCommandKind.Help or AdminCommandKind.Version)
            {
                // ipvsadm exits after printing help or version, even in the middle of a restore.
                return ExitCodes.Success;
            }
        }

        return ExitCodes.Success;
    }

    private Task ReportRestoreStopAsync(RestoreLine line) =>
        _stderr.WriteAsync($"{Program.Name}: restore stopped at line {line.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {line.Text}\n");

    private async Task<int> PrintListingAsync(AdminCommand command, ControlResponse response)
    {
        if (command.ListConnections)
        {
            if (response.Connections is not { } connections)
            {
                await _stderr.WriteAsync($"{Program.Name}: lvsd sent no connection table\n").ConfigureAwait(false);
                return ExitCodes.ListFailed;
            }

            await _stdout.WriteAsync(_formatter.FormatConnections(connections, command.Format)).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        if (response.Listing is not { } table)
        {
            await _stderr.WriteAsync($"{Program.Name}: lvsd sent no table\n").ConfigureAwait(false);
            return ExitCodes.ListFailed;
        }

        if (command.Kind == AdminCommandKind.Save)
        {
            await _stdout.WriteAsync(_formatter.FormatAll(table, command.Format | DisplayOptions.Rule)).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        if (command.ListTimeouts)
        {
            if (table.Timeouts is not { } timeouts)
            {
                await _stderr.WriteAsync($"{Program.Name}: lvsd does not report timeouts\n").ConfigureAwait(false);
                return ExitCodes.ListFailed;
            }

            await _stdout.WriteAsync(IpvsadmFormatter.FormatTimeouts(timeouts)).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        if (command.Service is not null)
        {
            if (table.Services.Count == 0)
            {
                await _stderr.WriteAsync(IpvsErrorText.For(command.Kind, ControlError.NoSuchService, null) + "\n").ConfigureAwait(false);
                return ExitCodes.ListFailed;
            }

            await _stdout.WriteAsync(_formatter.FormatOne(table.Services[0], command.Format)).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        await _stdout.WriteAsync(_formatter.FormatAll(table, command.Format)).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    internal static ControlRequest BuildRequest(AdminCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return command.Kind switch
        {
            AdminCommandKind.AddService => new AddServiceRequest(ServiceSpec(command)),
            AdminCommandKind.EditService => new EditServiceRequest(ServiceSpec(command)),
            AdminCommandKind.DeleteService => new DeleteServiceRequest(command.Service!),
            AdminCommandKind.AddServer => new AddServerRequest(command.Service!, ServerSpec(command)),
            AdminCommandKind.EditServer => new EditServerRequest(command.Service!, ServerSpec(command)),
            AdminCommandKind.DeleteServer => new DeleteServerRequest(command.Service!, command.ServerAddress!.ToString(), command.ServerPort),
            AdminCommandKind.Clear => new ClearRequest(),
            AdminCommandKind.Zero => new ZeroRequest(command.Service),
            AdminCommandKind.Reload => new ReloadRequest(),
            AdminCommandKind.SetTimeouts => new SetTimeoutsRequest(command.Timeouts!.Tcp, command.Timeouts.TcpFin, command.Timeouts.Udp),
            AdminCommandKind.List when command.ListConnections => new ListConnectionsRequest(),
            AdminCommandKind.List when !command.ListTimeouts => new ListRequest(command.Service),
            AdminCommandKind.List or AdminCommandKind.Save => new ListRequest(),
            _ => throw new InvalidOperationException($"No request for {command.Kind}."),
        };
    }

    private static ControlServiceSpec ServiceSpec(AdminCommand command) => new(
        command.Service!,
        command.Scheduler ?? CommandLineParser.DefaultScheduler,
        command.PersistenceTimeout,
        command.Netmask,
        command.OnePacket ? true : null,
        command.SchedulerFlags,
        command.PersistenceEngine);

    private static ControlServerSpec ServerSpec(AdminCommand command) => new(
        command.ServerAddress!.ToString(),
        command.ServerPort,
        command.Weight,
        command.Method,
        command.UpperThreshold,
        command.LowerThreshold,
        command.TunnelType,
        command.TunnelPort,
        command.TunnelChecksum);
}
