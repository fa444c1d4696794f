namespace LvsDirector.Admin;

/// <summary>Whether a switch takes a value, as popt's POPT_ARG_NONE / POPT_ARG_STRING / POPT_ARGFLAG_OPTIONAL.</summary>
internal enum OptionArgument
{
    None,
    Required,

    /// <summary>Taken from "=value" or from the next word when that does not start with '-'.</summary>
    Optional,
}
