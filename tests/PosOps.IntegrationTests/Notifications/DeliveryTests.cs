using System.Text.Json;
using PosOps.Contracts;
using PosOps.Contracts.Incidents;
using RabbitMQ.Client;

namespace PosOps.IntegrationTests.Notifications;

/// <summary>The delivery log decides: one alert per (incident, transition), however often the event arrives.</summary>
public sealed class DeliveryTests(TestServers servers) : SystemTest(servers)
{
    [Fact]
    public async Task GivenTheSameIntegrationEventPublishedTwice_ThenTheReceiverGetsOneAlert()
    {
        var opened = new IncidentOpened(Guid.CreateVersion7(), Guid.CreateVersion7(), "S07-T001", "S07", "printer", "PAPER_OUT", Severity.Degraded, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        var marker = opened with { EventId = Guid.CreateVersion7(), IncidentId = Guid.CreateVersion7(), DeviceId = "S07-T002" };

        await PublishRawAsync(opened);
        await PublishRawAsync(opened);
        await System.Webhook.WaitForAsync(w => w.Field("deviceId") == "S07-T001");
        await PublishRawAsync(marker);
        await System.Webhook.WaitForAsync(w => w.Field("deviceId") == "S07-T002");
        await Task.Delay(500);

        Assert.Single(System.Webhook.Received, w => w.Field("eventId") == opened.EventId.ToString());
    }

    [Fact]
    public async Task GivenTheReceiverFailsTwice_ThenTheAlertIsRetriedAndDeliveredOnce()
    {
        System.Webhook.FailNext(2);
        var opened = new IncidentOpened(Guid.CreateVersion7(), Guid.CreateVersion7(), "S08-T001", "S08", "display", "DISPLAY_UNRESPONSIVE", Severity.Blocking, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

        await PublishRawAsync(opened);

        await System.Webhook.WaitForAsync(w => w.Field("deviceId") == "S08-T001");
        Assert.Equal(2, System.Webhook.Received.Count(w => w.Failed));
        Assert.Single(System.Webhook.Received, w => !w.Failed);
    }

    [Fact]
    public async Task GivenAnIncidentsTransitionsInCommitOrder_WhenTheOpeningNeedsRetries_ThenTheReceiverStillGetsThemInThatOrder()
    {
        var at = DateTimeOffset.UtcNow;
        var opened = new IncidentOpened(Guid.CreateVersion7(), Guid.CreateVersion7(), "S09-T001", "S09", "network", "WIFI_WEAK", Severity.Degraded, at, at);
        var mitigated = new IncidentMitigated(Guid.CreateVersion7(), opened.IncidentId, opened.DeviceId, opened.StoreId, "trading on cellular", "runbook:network-link", at.AddSeconds(1), at.AddSeconds(1));
        var resolved = new IncidentResolved(Guid.CreateVersion7(), opened.IncidentId, opened.DeviceId, opened.StoreId, opened.FaultCode, "fault cleared by the device", at.AddSeconds(2), at.AddSeconds(2));

        // The opening's first two tries fail: its later transitions, taken meanwhile, wait behind it.
        System.Webhook.FailNext(2);
        await PublishRawAsync(opened, 10);
        await PublishRawAsync(mitigated, 11);
        await PublishRawAsync(resolved, 12);

        await System.Webhook.WaitForAsync(w => !w.Failed && w.Field("eventId") == resolved.EventId.ToString());
        Assert.Equal(
            ["incident.opened", "incident.mitigated", "incident.resolved"],
            System.Webhook.Received.Where(w => !w.Failed && w.Field("deviceId") == opened.DeviceId).Select(w => w.Field("kind")));
    }

    // What a non-.NET producer would do: raw JSON on the one documented exchange, its type in the AMQP type property.
    private async Task PublishRawAsync<T>(T message, long? sequence = null)
        where T : IIntegrationEvent
    {
        await using var channel = await System.OpenChannelAsync();
        var properties = new BasicProperties { ContentType = "application/json", MessageId = message.EventId.ToString(), Persistent = true, Type = IntegrationEvents.NameOf(typeof(T)) };
        if (sequence is { } value)
        {
            properties.Headers = new Dictionary<string, object?> { [WireNames.EventSequenceHeader] = value };
        }

        await channel.BasicPublishAsync(WireNames.IncidentEventsExchange, message.IncidentId.ToString(), mandatory: true, properties, JsonSerializer.SerializeToUtf8Bytes(message, WireJson.Options));
    }
}
