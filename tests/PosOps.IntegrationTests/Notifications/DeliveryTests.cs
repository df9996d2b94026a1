using System.Text.Json;
using PosOps.Contracts;
using PosOps.Contracts.Incidents;
using RabbitMQ.Client;

namespace PosOps.IntegrationTests.Notifications;

/// <summary>The delivery log decides: one alert per (incident, transition), however often the event arrives.</summary>
public sealed class DeliveryTests(TestServers servers) : SystemTest(servers)
{
    // Generous, so the out-of-order test does not depend on how fast a loaded machine publishes twice.
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Notification:Delivery:OrderGraceMilliseconds"] = "2000" };

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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GivenAnIncidentsLaterTransitionsArriveOutOfOrder_ThenTheReceiverGetsThemInTheOrderIncidentServiceStoredThem(bool sameCommit)
    {
        var at = DateTimeOffset.UtcNow;
        var device = sameCommit ? "S09-T002" : "S09-T001";
        var opened = new IncidentOpened(Guid.CreateVersion7(), Guid.CreateVersion7(), device, "S09", "network", "WIFI_WEAK", Severity.Degraded, at, at);
        // Events committed together share their recorded-at time; then only the event sequence header orders them.
        var (mitigatedAt, resolvedAt) = sameCommit ? (at.AddSeconds(1), at.AddSeconds(1)) : (at.AddSeconds(1), at.AddSeconds(2));
        var mitigated = new IncidentMitigated(Guid.CreateVersion7(), opened.IncidentId, opened.DeviceId, opened.StoreId, "trading on cellular", "runbook:network-link", mitigatedAt, mitigatedAt);
        var resolved = new IncidentResolved(Guid.CreateVersion7(), opened.IncidentId, opened.DeviceId, opened.StoreId, opened.FaultCode, "fault cleared by the device", resolvedAt, resolvedAt);
        await PublishRawAsync(opened);
        await System.Webhook.WaitForAsync(w => w.Field("deviceId") == opened.DeviceId);

        // Each transition has its own queue: the resolution can be taken before the mitigation that came first.
        await PublishRawAsync(resolved, WireNames.IncidentResolvedExchange, resolved.EventId, sameCommit ? 11 : null);
        await PublishRawAsync(mitigated, WireNames.IncidentMitigatedExchange, mitigated.EventId, sameCommit ? 10 : null);

        await System.Webhook.WaitForAsync(w => w.Field("eventId") == resolved.EventId.ToString());
        Assert.Equal(
            ["incident.opened", "incident.mitigated", "incident.resolved"],
            System.Webhook.Received.Where(w => !w.Failed && w.Field("deviceId") == opened.DeviceId).Select(w => w.Field("kind")));
    }

    // What a non-.NET producer would do: raw JSON on the documented exchange.
    private Task PublishRawAsync(IncidentOpened opened) => PublishRawAsync(opened, WireNames.IncidentOpenedExchange, opened.EventId);

    private async Task PublishRawAsync<T>(T message, string exchange, Guid eventId, long? sequence = null)
    {
        await using var channel = await System.OpenChannelAsync();
        var properties = new BasicProperties { ContentType = "application/json", MessageId = eventId.ToString(), Persistent = true };
        if (sequence is { } value)
        {
            properties.Headers = new Dictionary<string, object?> { [WireNames.EventSequenceHeader] = value };
        }

        await channel.BasicPublishAsync(exchange, "", mandatory: true, properties, JsonSerializer.SerializeToUtf8Bytes(message, WireJson.Options));
    }
}
