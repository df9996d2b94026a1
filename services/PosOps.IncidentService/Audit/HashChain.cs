using System.Security.Cryptography;

namespace PosOps.IncidentService.Audit;

/// <summary>One stored event as the chain sees it: the digest of its content now, and the hash recorded when it was appended.</summary>
public sealed record ChainLink(long Version, byte[]? ContentDigest, byte[]? RecordedHash);

/// <summary>The outcome of recomputing a stream's chain.</summary>
public sealed record ChainVerdict(long Events, bool Valid, long? FirstBrokenVersion, string? Reason);

/// <summary>
/// Tamper evidence: hash(n) = SHA-256(hash(n-1) || digest(event n)), the first event chaining from
/// nothing. The database writes hash(n) when event n is inserted (same transaction, see
/// <see cref="HashChainSchema"/>); verification recomputes the chain from the rows as they are now.
/// Changing, removing or inserting a row breaks the chain at that version.
/// </summary>
public sealed class HashChainVerifier
{
    private byte[] previous = [];
    private long expectedVersion = 1;
    private long events;
    private ChainVerdict? broken;

    public static byte[] Next(ReadOnlySpan<byte> previousHash, ReadOnlySpan<byte> contentDigest)
    {
        Span<byte> input = stackalloc byte[previousHash.Length + contentDigest.Length];
        previousHash.CopyTo(input);
        contentDigest.CopyTo(input[previousHash.Length..]);
        return SHA256.HashData(input);
    }

    /// <summary>Feeds the next link (in version order); false once the chain is broken.</summary>
    public bool Add(ChainLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (broken is not null)
        {
            return false;
        }

        if (link.Version != expectedVersion)
        {
            return Break(expectedVersion, link.Version > expectedVersion ? $"version {expectedVersion} is missing (next stored is {link.Version})" : $"version {link.Version} appears twice");
        }

        if (link.ContentDigest is null)
        {
            return Break(link.Version, "the event row is missing but its hash was recorded");
        }

        if (link.RecordedHash is null)
        {
            return Break(link.Version, "no hash was recorded for this event");
        }

        var expected = Next(previous, link.ContentDigest);
        if (!CryptographicOperations.FixedTimeEquals(expected, link.RecordedHash))
        {
            return Break(link.Version, "the event's content or metadata differ from what was appended");
        }

        previous = expected;
        expectedVersion++;
        events++;
        return true;
    }

    public ChainVerdict Result() => broken ?? new ChainVerdict(events, true, null, null);

    private bool Break(long version, string reason)
    {
        broken = new ChainVerdict(events, false, version, reason);
        return false;
    }
}
