namespace LvsDirector.Scheduling;

/// <summary>
/// One slot of <see cref="LocalityTable"/>: everything a lookup reads or stamps in one 32-byte record, so a cached
/// decision touches one cache line of the table (plus the member set) instead of one per field.
/// </summary>
internal struct LocalityEntry
{
    public uint Key;
    public int Size;
    public long LastUse;
    public long LastModified;
    public bool Live;
}
