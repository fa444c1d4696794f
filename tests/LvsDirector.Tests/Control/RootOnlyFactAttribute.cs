namespace LvsDirector.Tests.Control;

/// <summary>A fact that needs root (creating users and groups, switching to them), skipped otherwise.</summary>
public sealed class RootOnlyFactAttribute : FactAttribute
{
    public RootOnlyFactAttribute()
    {
        if (Environment.UserName != "root")
        {
            Skip = "needs root (useradd, groupadd, setpriv)";
        }
        else if (!File.Exists("/usr/bin/setpriv") || !File.Exists("/usr/bin/python3"))
        {
            Skip = "needs /usr/bin/setpriv and /usr/bin/python3";
        }
    }
}
