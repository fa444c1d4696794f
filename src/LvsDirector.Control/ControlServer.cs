using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsDirector.Control;

/// <summary>
/// The control endpoint lvsd hosts: a Unix stream socket where each connection carries one framed request
/// and gets one framed response. Bad input is answered with an error response; it never stops the server.
/// </summary>
public sealed class ControlServer : IAsyncDisposable
{
    private readonly string _socketPath;
    private readonly IControlHandler _handler;
    private readonly ControlServerOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly SemaphoreSlim _slots;
    private readonly Lock _stateLock = new();
    private Socket? _listener;
    private CancellationTokenSource? _stopping;
    private Task? _acceptLoop;
    private long _nextConnectionId;
    private ControlAccessPolicy? _policy;
    private long _lastRefusalLogTimestamp;
    private long _suppressedRefusals;

    public ControlServer(string socketPath, IControlHandler handler, ControlServerOptions? options = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        ArgumentNullException.ThrowIfNull(handler);
        _socketPath = socketPath;
        _handler = handler;
        _options = options ?? new ControlServerOptions();
        _logger = logger ?? NullLogger.Instance;
        _slots = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentConnections));
    }

    /// <summary>The path the server binds.</summary>
    public string SocketPath => _socketPath;

    /// <summary>
    /// Creates the parent directory, removes a stale socket file (one nobody listens on), binds, sets the
    /// file mode and starts accepting. Throws <see cref="IOException"/> when another process already listens there.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_stateLock)
        {
            if (_listener is not null)
            {
                throw new InvalidOperationException("The control server is already started.");
            }
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(_socketPath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // Resolved before binding so a misspelt socket.group fails the start instead of leaving a socket behind.
        var group = ResolveGroup();
        await RemoveStaleSocketAsync(cancellationToken).ConfigureAwait(false);

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(_socketPath));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(_socketPath, _options.SocketFileMode);
            }

            if (group is not null)
            {
                _options.ChangeSocketGroup!(_socketPath, group.Id);
                ControlServerLog.SocketGroupApplied(_logger, _socketPath, group.Name, group.Id);
            }

            listener.Listen(_options.Backlog);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        var stopping = new CancellationTokenSource();
        lock (_stateLock)
        {
            _policy = _options.CheckPeerCredentials
                ? new ControlAccessPolicy(_options.DaemonUserId ?? UnixAccounts.CurrentEffectiveUserId(), group, _options.Accounts)
                : null;
            _listener = listener;
            _stopping = stopping;
            _acceptLoop = Task.Run(() => AcceptLoopAsync(listener, stopping.Token), CancellationToken.None);
        }

        ControlServerLog.Listening(_logger, _socketPath);
    }

    /// <summary>Stops accepting, cancels and awaits requests in flight, and removes the socket file.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        Socket? listener;
        CancellationTokenSource? stopping;
        Task? acceptLoop;
        lock (_stateLock)
        {
            listener = _listener;
            stopping = _stopping;
            acceptLoop = _acceptLoop;
            _listener = null;
            _stopping = null;
            _acceptLoop = null;
        }

        if (listener is null || stopping is null)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        listener.Dispose();
        try
        {
            if (acceptLoop is not null)
            {
                await acceptLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            await Task.WhenAll(_connections.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            stopping.Dispose();
            TryDeleteSocketFile();
            ControlServerLog.Stopped(_logger, _socketPath);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _slots.Dispose();
    }

    private async Task RemoveStaleSocketAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(_socketPath))
        {
            throw new IOException($"Control socket path {_socketPath} is a directory.");
        }

        if (!File.Exists(_socketPath))
        {
            return;
        }

        // A live listener means another lvsd owns the socket; deleting its file would orphan it silently.
        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                await probe.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath), cancellationToken).ConfigureAwait(false);
                throw new IOException($"Another process is already listening on control socket {_socketPath}.");
            }
            catch (SocketException)
            {
                // Nobody listens: the file is left over from a previous run.
            }
        }

        File.Delete(_socketPath);
        ControlServerLog.RemovedStaleSocket(_logger, _socketPath);
    }

    private UnixGroup? ResolveGroup()
    {
        if (string.IsNullOrEmpty(_options.SocketGroup))
        {
            return null;
        }

        if (_options.ChangeSocketGroup is null)
        {
            throw new InvalidOperationException("ControlServerOptions.ChangeSocketGroup is required when SocketGroup is set.");
        }

        return _options.Accounts.FindGroup(_options.SocketGroup)
            ?? throw new IOException($"Control socket group '{_options.SocketGroup}' does not exist in {_options.Accounts.GroupFile}.");
    }

    /// <summary>Null when the peer may send requests, otherwise the refusal to answer with.</summary>
    private ControlResponse? CheckPeer(Socket client)
    {
        var policy = Volatile.Read(ref _policy);
        if (policy is null)
        {
            return null;
        }

        if (!PeerCredentials.TryRead(client, out var peer))
        {
            ControlServerLog.PeerCredentialsUnavailable(_logger);
            return ControlResponse.Failure(ControlError.PermissionDenied, "peer credentials unavailable");
        }

        if (policy.IsAllowed(peer))
        {
            return null;
        }

        // One line per refused connection, but at most one a second: a client looping on a denied socket must
        // not flood the journal. The next line reports how many were skipped.
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        var last = Interlocked.Read(ref _lastRefusalLogTimestamp);
        if (last != 0 && System.Diagnostics.Stopwatch.GetElapsedTime(last, now) < TimeSpan.FromSeconds(1))
        {
            Interlocked.Increment(ref _suppressedRefusals);
        }
        else if (Interlocked.CompareExchange(ref _lastRefusalLogTimestamp, now, last) == last)
        {
            ControlServerLog.PeerRefused(_logger, peer.ProcessId, peer.UserId, peer.GroupId, policy.Group?.Name ?? "(no socket group)",
                Interlocked.Exchange(ref _suppressedRefusals, 0));
        }
        else
        {
            Interlocked.Increment(ref _suppressedRefusals);
        }

        return ControlResponse.Failure(ControlError.PermissionDenied, "you must be root or a member of the control socket group");
    }

    private void TryDeleteSocketFile()
    {
        try
        {
            File.Delete(_socketPath);
        }
        catch (IOException)
        {
            // Best effort: a stale file is removed at the next start anyway.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await _slots.WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException
                                           || (ex is SocketException && stopping.IsCancellationRequested))
            {
                _slots.Release();
                return;
            }
            catch (SocketException ex)
            {
                _slots.Release();
                ControlServerLog.AcceptFailed(_logger, ex);

                // Avoid spinning when accept keeps failing (e.g. out of file descriptors).
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            var id = Interlocked.Increment(ref _nextConnectionId);
            var task = ServeAsync(client, id, stopping);
            _connections[id] = task;
            if (task.IsCompleted)
            {
                _connections.TryRemove(id, out _);
            }
        }
    }

    private async Task ServeAsync(Socket client, long id, CancellationToken stopping)
    {
        // Yield so a slow client never delays the accept loop.
        await Task.Yield();
        try
        {
            var stream = new NetworkStream(client, ownsSocket: true);
            await using (stream.ConfigureAwait(false))
            {
                var refusal = CheckPeer(client);
                var response = refusal is null
                    ? await ProduceResponseAsync(stream, stopping).ConfigureAwait(false)
                    : await DrainAndRefuseAsync(stream, refusal, stopping).ConfigureAwait(false);
                using var writeTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                writeTimeout.CancelAfter(_options.ReceiveTimeout);
                await ControlFraming.WriteFrameAsync(stream, ControlMessageCodec.SerializeResponse(response), writeTimeout.Token)
                    .ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            ControlServerLog.ConnectionLost(_logger, ex);
        }
        finally
        {
            ReleaseSlot();
            _connections.TryRemove(id, out _);
        }
    }

    private void ReleaseSlot()
    {
        try
        {
            _slots.Release();
        }
        catch (ObjectDisposedException)
        {
            // A stop that gave up waiting already disposed the server; nothing is left to admit.
        }
    }

    /// <summary>
    /// Reads (and discards, unparsed) the refused client's request first: closing a Unix socket with unread data
    /// resets the peer, which could lose the answer before the client reads it.
    /// </summary>
    private async Task<ControlResponse> DrainAndRefuseAsync(NetworkStream stream, ControlResponse refusal, CancellationToken stopping)
    {
        using var receiveTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        receiveTimeout.CancelAfter(_options.ReceiveTimeout);
        try
        {
            await ControlFraming.ReadFrameAsync(stream, _options.MaxRequestBytes, receiveTimeout.Token).ConfigureAwait(false);
        }
        catch (ControlProtocolException)
        {
            // Refused anyway; what was sent does not matter.
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            // Same.
        }

        return refusal;
    }

    private async Task<ControlResponse> ProduceResponseAsync(NetworkStream stream, CancellationToken stopping)
    {
        ControlRequest request;
        using (var receiveTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopping))
        {
            receiveTimeout.CancelAfter(_options.ReceiveTimeout);
            try
            {
                var payload = await ControlFraming.ReadFrameAsync(stream, _options.MaxRequestBytes, receiveTimeout.Token)
                    .ConfigureAwait(false);
                request = ControlMessageCodec.DeserializeRequest(payload);
            }
            catch (ControlProtocolException ex)
            {
                ControlServerLog.Rejected(_logger, ex.Error, ex.Message);
                return ControlResponse.Failure(ex.Error, ex.Message);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                ControlServerLog.TimedOut(_logger, _options.ReceiveTimeout);
                return ControlResponse.Failure(ControlError.Timeout, "request not received in time");
            }
        }

        using var handlerTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        handlerTimeout.CancelAfter(_options.HandlerTimeout);
        try
        {
            var response = await _handler.HandleAsync(request, handlerTimeout.Token).ConfigureAwait(false);
            response ??= ControlResponse.Failure(ControlError.Internal, "handler returned no response");
            ControlServerLog.Handled(_logger, request.CommandName, response.Ok, response.Error);
            return response;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            ControlServerLog.TimedOut(_logger, _options.HandlerTimeout);
            return ControlResponse.Failure(ControlError.Timeout, $"{request.CommandName} did not finish in time");
        }
#pragma warning disable CA1031 // Any handler failure must become an error response, not a dead server.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            ControlServerLog.HandlerFailed(_logger, ex, request.CommandName);
            return ControlResponse.Failure(ControlError.Internal, ex.Message);
        }
    }
}
