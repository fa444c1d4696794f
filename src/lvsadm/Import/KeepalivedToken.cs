namespace LvsDirector.Admin.Import;

/// <summary>A word, brace or line end of keepalived.conf, with the file and line it came from (includes keep theirs).</summary>
internal readonly record struct KeepalivedToken(KeepalivedTokenKind Kind, string Text, string File, int Line);
