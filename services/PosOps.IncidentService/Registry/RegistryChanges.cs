namespace PosOps.IncidentService.Registry;

/// <summary>
/// Counts registry imports, so whoever caches registrations (the agent inbox's signing keys) drops
/// them at once when the registry changed instead of waiting for the cache to expire.
/// </summary>
public sealed class RegistryChanges
{
    private long version;

    public long Version => Interlocked.Read(ref version);

    public void Changed() => Interlocked.Increment(ref version);
}
