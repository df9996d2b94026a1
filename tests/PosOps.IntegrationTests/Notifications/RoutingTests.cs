using PosOps.Contracts.Incidents;

namespace PosOps.IntegrationTests.Notifications;

/// <summary>Rules route on severity, region and tags (remembered from the opening), escalation levels pick the line, and a rules change is picked up or refused.</summary>
public sealed class RoutingTests(TestServers servers) : NotificationTest(servers)
{
    private const string Receivers = """
        receivers:
          - name: first-line
            type: webhook
            url: "{chat}/webhook"
            secret: config:Notification:Secrets:Webhook
          - name: second-line
            type: slack
            url: "{chat}/slack"
          - name: vendor
            type: wecom
            url: "{chat}/wecom?key=vendor"
        """;

    protected override string Rules => Receivers + """

        routes:
          - name: blocking-east-flagship
            match: { severity: [blocking], region: [east], tags: [flagship] }
            firstLine: [first-line]
            secondLine: [second-line]
            vendor: [vendor]
          - name: everything-else
            firstLine: [webhook]
        """;

    [Fact]
    public async Task GivenAMatchingIncident_ThenFirstLineGetsTheOpening_EscalationsClimbTheLines_AndTheResolutionIsRoutedFromMemory()
    {
        var opened = Opened("S31-T001", region: "east", tags: ["flagship", "mall"]);
        var elsewhere = Opened("S32-T001", region: "west", tags: ["flagship"]);

        await PublishAsync(opened);
        await PublishAsync(elsewhere);
        await PublishAsync(Escalated(opened, 1));
        await PublishAsync(Escalated(opened, 2));
        await PublishAsync(new IncidentResolved(Guid.CreateVersion7(), opened.IncidentId, opened.DeviceId, opened.StoreId, opened.FaultCode, "fault cleared", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));

        await Chat.WaitForAsync("webhook", r => r.Json.GetProperty("kind").GetString() == "incident.opened");
        await Chat.WaitForAsync("slack", r => r.Body.Contains("level 1", StringComparison.Ordinal));
        await Chat.WaitForAsync("wecom", r => r.Json.GetProperty("markdown").GetProperty("content").GetString()!.Contains("升级层级：2", StringComparison.Ordinal));
        var resolved = await Chat.WaitForAsync("webhook", r => r.Json.GetProperty("kind").GetString() == "incident.resolved");
        Assert.Equal("east", resolved.Json.GetProperty("region").GetString());
        await System.Webhook.WaitForAsync(w => w.Field("deviceId") == elsewhere.DeviceId);
        Assert.DoesNotContain(System.Webhook.Received, w => w.Field("deviceId") == opened.DeviceId);
        Assert.DoesNotContain(Chat.Received, r => r.Body.Contains(elsewhere.DeviceId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenRunningService_WhenTheRulesFileChanges_ThenTheNewRulesApply_AndABadChangeIsRefusedWhileTheOldRulesStay()
    {
        await WriteRulesAsync(Receivers + """

            routes:
              - name: all-to-second-line
                firstLine: [second-line]
            """);
        await Task.Delay(1000);
        var first = Opened("S33-T001", region: "north");
        await PublishAsync(first);
        await Chat.WaitForAsync("slack", r => r.Body.Contains(first.DeviceId, StringComparison.Ordinal));

        await WriteRulesAsync(Receivers + """

            routes:
              - name: broken
                firstLine: [nobody-by-that-name]
                match: { severity: [catastrophic] }
            """);
        await Task.Delay(1000);
        var second = Opened("S33-T002", region: "north");
        await PublishAsync(second);

        await Chat.WaitForAsync("slack", r => r.Body.Contains(second.DeviceId, StringComparison.Ordinal));
        Assert.DoesNotContain(System.Webhook.Received, w => w.Field("deviceId") == second.DeviceId);
    }

    private static IncidentEscalated Escalated(IncidentOpened opened, int level) =>
        new(Guid.CreateVersion7(), opened.IncidentId, opened.DeviceId, opened.StoreId, opened.FaultCode, "unacknowledged", level, $"not acknowledged (level {level})", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
}
