namespace LvsDirector.Control;

/// <summary>
/// Carries out control requests; lvsd implements it over its service table. Exceptions it throws become
/// <see cref="ControlError.Internal"/> responses, so a handler bug never takes the server down.
/// </summary>
public interface IControlHandler
{
    ValueTask<ControlResponse> HandleAsync(ControlRequest request, CancellationToken ct);
}
