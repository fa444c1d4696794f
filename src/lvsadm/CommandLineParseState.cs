using LvsDirector.Control;

namespace LvsDirector.Admin;

/// <summary>What the parser has gathered so far, besides the command itself.</summary>
internal sealed class CommandLineParseState
{
    public AdminCommand Command { get; } = new();

    public HashSet<OptionBit> Given { get; } = [];

    public ControlProtocol ServiceProtocol { get; set; } = ControlProtocol.Tcp;

    public int? ServerPort { get; set; }

    public string? NetmaskText { get; set; }

    public string? SchedulerFlagsText { get; set; }

    /// <summary>ipvsadm's set_option: each option class at most once.</summary>
    public void Set(OptionBit bit)
    {
        if (!Given.Add(bit))
        {
            throw CommandLineException.Fail($"multiple '{OptionMatrix.OptionName(bit)}' options specified");
        }
    }
}
