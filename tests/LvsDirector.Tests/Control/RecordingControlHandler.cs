using System.Collections.Concurrent;
using LvsDirector.Control;

namespace LvsDirector.Tests.Control;

/// <summary>A handler that records requests and answers through a test-supplied function.</summary>
internal sealed class RecordingControlHandler : IControlHandler
{
    private readonly Func<ControlRequest, CancellationToken, ValueTask<ControlResponse>> _answer;

    public RecordingControlHandler(Func<ControlRequest, CancellationToken, ValueTask<ControlResponse>>? answer = null)
    {
        _answer = answer ?? ((_, _) => ValueTask.FromResult(ControlResponse.Success()));
    }

    public ConcurrentQueue<ControlRequest> Requests { get; } = new();

    public async ValueTask<ControlResponse> HandleAsync(ControlRequest request, CancellationToken ct)
    {
        Requests.Enqueue(request);
        return await _answer(request, ct);
    }
}
