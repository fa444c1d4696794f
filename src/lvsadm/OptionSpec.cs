namespace LvsDirector.Admin;

/// <summary>One switch: its long name, optional short letter and argument kind.</summary>
internal sealed record OptionSpec(OptionId Id, string LongName, char? ShortName, OptionArgument Argument);
