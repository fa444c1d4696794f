namespace LvsDirector.Admin.Import;

/// <summary>One KEY=VALUE line of ldirectord.cf: its value and where it stands.</summary>
internal sealed record LdirectordSetting(string Value, string File, int Line);
