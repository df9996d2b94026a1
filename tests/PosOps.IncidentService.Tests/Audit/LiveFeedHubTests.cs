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
    public void GivenAStoreScopedClient_WhenEventsOfOtherStoresArrive_ThenItSeesOnlyItsStores()
    {
        var hub = new LiveFeedHub();
        using var scoped = hub.Subscribe(new HashSet<string> { "S01" });
        hub.Publish(new LiveMessage("incident-opened", "{}", "S02"));
        hub.Publish(new LiveMessage("incident-opened", "{}", "S01"));

        Assert.True(scoped.Reader.TryRead(out var seen));
        Assert.Equal("S01", seen.StoreId);
        Assert.False(scoped.Reader.TryRead(out _));
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
