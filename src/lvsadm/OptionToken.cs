namespace LvsDirector.Admin;

/// <summary>
/// One switch as met on the command line, or a popt-style error (<see cref="Error"/> set) at that point.
/// </summary>
/// <param name="Spec">The switch; null for an error.</param>
/// <param name="Text">The word it came from, used in messages as popt's poptBadOption does.</param>
/// <param name="Value">Its argument, if any.</param>
/// <param name="Error">popt's error text ("unknown option", "missing argument", ...).</param>
internal sealed record OptionToken(OptionSpec? Spec, string Text, string? Value, string? Error);
