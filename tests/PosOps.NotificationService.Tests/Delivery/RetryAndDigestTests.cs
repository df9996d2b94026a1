using PosOps.NotificationService.Channels;
using PosOps.NotificationService.Delivery;

namespace PosOps.NotificationService.Tests.Delivery;

public sealed class RetryAndDigestTests
{
    [Theory]
    [InlineData(200, DeliveryOutcome.Delivered)]
    [InlineData(204, DeliveryOutcome.Delivered)]
    [InlineData(400, DeliveryOutcome.Permanent)]
    [InlineData(404, DeliveryOutcome.Permanent)]
    [InlineData(408, DeliveryOutcome.Transient)]
    [InlineData(429, DeliveryOutcome.Transient)]
    [InlineData(500, DeliveryOutcome.Transient)]
    [InlineData(503, DeliveryOutcome.Transient)]
    [InlineData(null, DeliveryOutcome.Transient)]
    public void GivenAnHttpAnswer_ThenItIsClassified(int? status, DeliveryOutcome expected) =>
        Assert.Equal(expected, HttpDelivery.Classify(status));

    [Fact]
    public void GivenFailedTries_ThenTheNextRoundDoublesWithJitter_UpToTheCap()
    {
        var options = new DeliveryOptions { RetryBaseDelaySeconds = 1, RetryMaxDelaySeconds = 60 };

        Assert.Equal(TimeSpan.FromSeconds(0.5), RetryPolicy.NextRound(0, options, 0));
        Assert.Equal(TimeSpan.FromSeconds(8), RetryPolicy.NextRound(3, options, 1));
        Assert.Equal(TimeSpan.FromSeconds(30), RetryPolicy.NextRound(20, options, 0));
        Assert.Equal(TimeSpan.FromSeconds(60), RetryPolicy.NextRound(20, options, 1));
    }

    [Fact]
    public async Task GivenTransientFailures_WhenRetriedQuickly_ThenPollyTriesAgainUntilDelivered()
    {
        var pipeline = RetryPolicy.QuickRetries(new DeliveryOptions { QuickRetries = 3, RetryBaseDelaySeconds = 0.001, RetryMaxDelaySeconds = 0.01 });
        var tries = 0;

        var last = await pipeline.ExecuteAsync(_ => ValueTask.FromResult(new DeliveryAttempt(++tries < 3 ? DeliveryOutcome.Transient : DeliveryOutcome.Delivered, 200, TimeSpan.Zero, null)));

        Assert.Equal((3, true), (tries, last.Delivered));
    }

    [Fact]
    public async Task GivenAPermanentFailure_ThenPollyDoesNotRetry()
    {
        var pipeline = RetryPolicy.QuickRetries(new DeliveryOptions { QuickRetries = 3, RetryBaseDelaySeconds = 0.001 });
        var tries = 0;

        await pipeline.ExecuteAsync(_ => ValueTask.FromResult(new DeliveryAttempt(DeliveryOutcome.Permanent, 400, TimeSpan.Zero, "bad request") with { StatusCode = ++tries }));

        Assert.Equal(1, tries);
    }

    [Fact]
    public void GivenHeldAlerts_ThenTheDigestCountsTerminalsAndStores_AndIsStablePerKey()
    {
        var held = Enumerable.Range(1, 37).Select(i => Given.Opened($"S0{i % 5}-T{i:000}")).ToList();

        var digest = StormDigest.Summarize("network", "network:ops:k1", held, Given.Noon);

        Assert.StartsWith("37 terminals at 5 stores: WIFI_DOWN", digest.Text, StringComparison.Ordinal);
        Assert.Equal(StormDigest.DigestId("network:ops:k1"), digest.EventId);
        Assert.Equal(Alert.DigestKind, digest.Kind);
    }

    [Fact]
    public void GivenADigestOfDifferentFaultKinds_WhenStoredInTheDeliveryLogAndReadBack_ThenItIsTheSameAlert()
    {
        // Seen in ./run.sh: a digest over several components has no single component; it must read back.
        var held = new[] { Given.Opened("S01-T001", component: "printer", code: "PAPER_OUT"), Given.Opened("S02-T001", component: "card-reader", code: "READER_FAULT") };
        var digest = StormDigest.Summarize("default", "default:webhook:k1", held, Given.Noon);

        var stored = System.Text.Json.JsonSerializer.Serialize(digest, DeliveryLog.Json);
        var read = System.Text.Json.JsonSerializer.Deserialize<Alert>(stored, DeliveryLog.Json)!;

        Assert.Null(digest.Component);
        Assert.Equal((digest.EventId, digest.Kind, digest.Component, digest.StoreId), (read.EventId, read.Kind, read.Component, read.StoreId));
    }
}
