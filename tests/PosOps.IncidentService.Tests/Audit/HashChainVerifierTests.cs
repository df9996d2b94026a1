using System.Security.Cryptography;
using System.Text;
using PosOps.IncidentService.Audit;

namespace PosOps.IncidentService.Tests.Audit;

public class HashChainVerifierTests
{
    private static byte[] Digest(string content) => SHA256.HashData(Encoding.UTF8.GetBytes(content));

    /// <summary>A chain as the database trigger writes it: hash(n) = SHA-256(hash(n-1) || digest(n)), from nothing.</summary>
    private static List<ChainLink> Chain(params string[] contents)
    {
        var links = new List<ChainLink>();
        var previous = Array.Empty<byte>();
        for (var i = 0; i < contents.Length; i++)
        {
            var digest = Digest(contents[i]);
            previous = HashChainVerifier.Next(previous, digest);
            links.Add(new ChainLink(i + 1, digest, previous));
        }

        return links;
    }

    private static ChainVerdict Verify(IEnumerable<ChainLink> links)
    {
        var verifier = new HashChainVerifier();
        foreach (var link in links)
        {
            if (!verifier.Add(link))
            {
                break;
            }
        }

        return verifier.Result();
    }

    [Fact]
    public void GivenAnUntouchedChain_WhenVerified_ThenItIsValid_AndCountsEveryEvent() =>
        Assert.Equal(new ChainVerdict(3, true, null, null), Verify(Chain("a", "b", "c")));

    [Fact]
    public void GivenAChangedEvent_WhenVerified_ThenItsVersionIsTheFirstBroken()
    {
        var links = Chain("a", "b", "c", "d");
        links[2] = links[2] with { ContentDigest = Digest("c, edited") };

        var verdict = Verify(links);

        Assert.Equal((false, 3L, 2L), (verdict.Valid, verdict.FirstBrokenVersion!.Value, verdict.Events));
    }

    [Fact]
    public void GivenARewrittenHashThatMatchesTheEditedEvent_WhenVerified_ThenTheNextVersionBreaks()
    {
        var links = Chain("a", "b", "c");
        var forged = HashChainVerifier.Next(links[0].RecordedHash, Digest("b, edited"));
        links[1] = new ChainLink(2, Digest("b, edited"), forged);

        Assert.Equal(3, Verify(links).FirstBrokenVersion);
    }

    [Fact]
    public void GivenADeletedEventRow_WhenVerified_ThenItsVersionIsNamed()
    {
        var links = Chain("a", "b", "c");
        links[1] = links[1] with { ContentDigest = null };

        var verdict = Verify(links);

        Assert.Equal(2, verdict.FirstBrokenVersion);
        Assert.Contains("missing", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAGapInVersions_WhenVerified_ThenTheMissingVersionIsNamed()
    {
        var links = Chain("a", "b", "c");
        links.RemoveAt(1);

        Assert.Equal(2, Verify(links).FirstBrokenVersion);
    }

    [Fact]
    public void GivenAnEventWithoutARecordedHash_WhenVerified_ThenItIsBroken()
    {
        var links = Chain("a", "b");
        links.Add(new ChainLink(3, Digest("smuggled in"), null));

        Assert.Equal((false, 3L), (Verify(links).Valid, Verify(links).FirstBrokenVersion!.Value));
    }
}
