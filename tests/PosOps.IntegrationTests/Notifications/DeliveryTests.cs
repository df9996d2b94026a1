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

    // What a non-.NET producer would do: raw JSON on the documented exchange.
    private async Task PublishRawAsync(IncidentOpened opened)
    {
        await using var channel = await System.OpenChannelAsync();
        var properties = new BasicProperties { ContentType = "application/json", MessageId = opened.EventId.ToString(), Persistent = true };
        await channel.BasicPublishAsync(WireNames.IncidentOpenedExchange, "", mandatory: true, properties, JsonSerializer.SerializeToUtf8Bytes(opened, WireJson.Options));
    }
}
