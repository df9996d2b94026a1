using PosOps.Contracts.Incidents;

namespace PosOps.IntegrationTests.Notifications;

/// <summary>No storms: past the threshold a route's alerts become one digest; alerts held back by a store incident are recorded, not sent.</summary>
public sealed class StormAndHoldTests(TestServers servers) : NotificationTest(servers)
{
    protected override string Rules => """
        receivers:
          - name: ops
            type: webhook
            url: "{chat}/webhook"
            secret: config:Notification:Secrets:Webhook
        routes:
          - name: network
            match: { faultKind: [network, store] }
            firstLine: [ops]
            stormThreshold: 3
            stormWindowSeconds: 2
          - name: everything-else
            firstLine: [webhook]
        """;

    [Fact]
    public async Task GivenTenAlertsOnOneRouteWithinTheWindow_ThenThreeAreSentAndTheOtherSevenBecomeOneDigest()
    {
        var alerts = Enumerable.Range(1, 10).Select(i => Opened($"S4{i % 4}-T00{i}")).ToList();

        foreach (var alert in alerts)
        {
            await PublishAsync(alert);
        }

        var digest = await Chat.WaitForAsync("webhook", r => r.Json.GetProperty("kind").GetString() == "digest", TimeSpan.FromSeconds(30));
        await Task.Delay(1000);

        Assert.Equal(3, Chat.Received.Count(r => r.Status == 200 && r.Json.GetProperty("kind").GetString() == "incident.opened"));
        Assert.Single(Chat.Received, r => r.Status == 200 && r.Json.GetProperty("kind").GetString() == "digest");
        var text = digest.Json.GetProperty("text").GetString()!;
        Assert.StartsWith("7 terminals at ", text, StringComparison.Ordinal);
        Assert.Contains("WIFI_DOWN", text, StringComparison.Ordinal);
        Assert.Equal(7, digest.Json.GetProperty("deviceIds").GetArrayLength());
        var held = await DeliveriesAsync("status = 'digested'");
        Assert.Equal(7, held.Count);
        Assert.All(held, h => Assert.Equal(Guid.Parse(digest.Json.GetProperty("eventId").GetString()!), h.DigestId));
    }

    [Fact]
    public async Task GivenAStoreIncidentHoldsBackADeviceIncident_ThenTheDeviceAlertsAreRecordedAsHeld_AndTheStoreAlertIsSentOnce()
    {
        var store = new StoreOutageDetected(Guid.CreateVersion7(), Guid.CreateVersion7(), "S51", "network", ["S51-T001", "S51-T002"], 3, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "east", ["mall"]);
        var device = Opened("S51-T001", heldBackBy: store.IncidentId);
        var resolved = new IncidentResolved(Guid.CreateVersion7(), device.IncidentId, device.DeviceId, device.StoreId, device.FaultCode, "link back", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

        await PublishAsync(store);
        await PublishAsync(store);
        await PublishAsync(device);
        await PublishAsync(resolved);
        await Chat.WaitForAsync("webhook", r => r.Json.GetProperty("kind").GetString() == "store.outage.detected");
        await Wait.UntilAsync(async () => (await DeliveriesAsync("status = 'held'")).Count == 2, TimeSpan.FromSeconds(20), "two held deliveries");
        await PublishAsync(new StoreOutageResolved(Guid.CreateVersion7(), store.IncidentId, "S51", "terminals back", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
        var back = await Chat.WaitForAsync("webhook", r => r.Json.GetProperty("kind").GetString() == "store.outage.resolved");

        Assert.Single(Chat.Received, r => r.Json.GetProperty("kind").GetString() == "store.outage.detected");
        Assert.DoesNotContain(Chat.Received, r => r.Json.GetProperty("deviceId").GetString() == device.DeviceId);
        Assert.DoesNotContain(System.Webhook.Received, w => w.Field("deviceId") == device.DeviceId);
        var held = await DeliveriesAsync("status = 'held'");
        Assert.Equal(new[] { device.EventId, resolved.EventId }.Order(), held.Select(h => h.EventId).Order());
        Assert.All(held, h => Assert.Equal($"held back by incident {store.IncidentId}", h.HoldReason));
        Assert.Equal("east", back.Json.GetProperty("region").GetString());
    }

    [Fact]
    public async Task GivenAPlatformOutage_ThenOneAlertForThePlatform_AndTheDeviceIncidentsItCoversAreHeld()
    {
        var platform = new PlatformOutageDetected(Guid.CreateVersion7(), Guid.CreateVersion7(), "fleet-silent", 450, 500, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        var devices = Enumerable.Range(1, 5).Select(i => Opened($"S7{i}-T001", code: "DEVICE_SILENT", component: "liveness", heldBackBy: platform.IncidentId)).ToList();

        await PublishAsync(platform);
        foreach (var device in devices)
        {
            await PublishAsync(device);
        }

        await PublishAsync(new PlatformOutageResolved(Guid.CreateVersion7(), platform.IncidentId, "heartbeats flow again", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
        await System.Webhook.WaitForAsync(w => w.Field("kind") == "platform.outage.resolved");
        await Wait.UntilAsync(async () => (await DeliveriesAsync("status = 'held'")).Count == 5, TimeSpan.FromSeconds(20), "five held deliveries");

        var detected = Assert.Single(System.Webhook.Received, w => w.Field("kind") == "platform.outage.detected");
        Assert.Contains("450 of 500 terminals silent", detected.Field("text"), StringComparison.Ordinal);
        Assert.DoesNotContain(System.Webhook.Received, w => w.Field("faultCode") == "DEVICE_SILENT");
    }
}
