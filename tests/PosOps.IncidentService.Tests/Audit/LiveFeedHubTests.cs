using PosOps.IncidentService.LiveFeed;

namespace PosOps.IncidentService.Tests.Audit;

public class LiveFeedHubTests
{
    [Fact]
    public void GivenASlowClient_WhenMoreThanItsBufferArrives_ThenItKeepsTheNewest_AndCountsWhatItLost()
    {
        var hub = new LiveFeedHub();
        using var client = hub.Subscribe(null);

        for (var i = 0; i < LiveFeedHub.ClientBuffer + 10; i++)
        {
            hub.Publish(new LiveMessage("incident-opened", $"{{\"n\":{i}}}", "S01"));
        }

        Assert.True(client.Reader.TryRead(out var first));
        Assert.Equal("{\"n\":10}", first.Json);
        Assert.Equal(10, client.TakeDropped());
    }

    [Fact]
    public void GivenAStoreScopedClient_WhenEventsOfOtherStoresArrive_ThenItSeesOnlyItsStoresAndFleetWideOnes()
    {
        var hub = new LiveFeedHub();
        using var scoped = hub.Subscribe(new HashSet<string> { "S01" });
        hub.Publish(new LiveMessage("incident-opened", "{}", "S02"));
        hub.Publish(new LiveMessage("incident-opened", "{}", "S01"));
        hub.Publish(new LiveMessage("platform-outage-detected", "{}", null));

        Assert.Equal(new[] { "S01", "(fleet)" }, Drain(scoped).Select(s => s ?? "(fleet)"));
    }

    private static IEnumerable<string?> Drain(LiveFeedHub.Subscription client)
    {
        while (client.Reader.TryRead(out var message))
        {
            yield return message.StoreId;
        }
    }

    [Fact]
    public void GivenADisconnectedClient_WhenEventsArrive_ThenItIsNoLongerFedOrCounted()
    {
        var hub = new LiveFeedHub();
        hub.Subscribe(null).Dispose();
        hub.Publish(new LiveMessage("incident-opened", "{}", "S01"));

        Assert.Equal(0, hub.Clients);
    }
}
