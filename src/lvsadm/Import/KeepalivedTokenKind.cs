namespace LvsDirector.Admin.Import;

internal enum KeepalivedTokenKind
{
    Word,
    Open,
    Close,
    EndOfLine,
}
