namespace LvsDirector.Health;

/// <summary>A server's health changed.</summary>
/// <param name="Up">The new state.</param>
/// <param name="Reason">The last check's reason.</param>
/// <param name="Count">Consecutive results that made the change.</param>
/// <param name="Threshold">rise (coming up) or fall (going down).</param>
public readonly record struct HealthTransition(bool Up, string Reason, int Count, int Threshold);
