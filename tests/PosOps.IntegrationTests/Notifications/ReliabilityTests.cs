namespace PosOps.IntegrationTests.Notifications;

/// <summary>Nothing lost, nothing doubled: redelivery, a receiver outage, a permanent refusal, and a restart mid-retry.</summary>
public sealed class ReliabilityTests(TestServers servers) : NotificationTest(servers)
{
    protected override string Rules => """
        receivers:
          - name: flaky
            type: webhook
            url: "{chat}/flaky"
            secret: config:Notification:Secrets:Webhook
          - name: refusing
            type: webhook
            url: "{chat}/refusing"
        routes:
          - name: refused
            match: { faultCode: [REFUSE_ME] }
            firstLine: [refusing]
          - name: default
            firstLine: [flaky]
            stormThreshold: 1000
        """;

    [Fact]
    public async Task GivenTheSameEventThreeTimes_ThenOneRowAndOneAlert()
    {
        var opened = Opened("S61-T001");

        await PublishAsync(opened);
        await PublishAsync(opened);
        await PublishAsync(opened);
        await Chat.WaitForAsync("flaky");
        var marker = Opened("S61-T002");
        await PublishAsync(marker);
        await Chat.WaitForAsync("flaky", r => r.Body.Contains(marker.DeviceId, StringComparison.Ordinal));

        Assert.Single(Chat.Received, r => r.Body.Contains(opened.EventId.ToString(), StringComparison.Ordinal));
        Assert.Single(await DeliveriesAsync($"event_id = '{opened.EventId}'"));
    }

    // The "receiver down for 10 minutes", shortened by configuration: retries wait at most 0.5 s here.
    [Fact]
    public async Task GivenTheReceiverIsDownForAWhile_ThenAfterwardsItGetsEveryAlertExactlyOnce()
    {
        Chat.FlakyDown = true;
        var alerts = Enumerable.Range(1, 5).Select(i => Opened($"S62-T00{i}")).ToList();
        foreach (var alert in alerts)
        {
            await PublishAsync(alert);
        }

        await Wait.UntilAsync(async () => await ScalarAsync("select count(*) from posops_notifications.attempts") >= 20, TimeSpan.FromSeconds(30), "retries during the outage");
        await Task.Delay(3000);
        Assert.Empty(await DeliveriesAsync("status = 'delivered'"));
        Chat.FlakyDown = false;

        foreach (var alert in alerts)
        {
            await Chat.WaitForAsync("flaky", r => r.Body.Contains(alert.EventId.ToString(), StringComparison.Ordinal));
        }

        await Task.Delay(1500);
        Assert.All(alerts, a => Assert.Single(Chat.Received, r => r.Status == 200 && r.Body.Contains(a.EventId.ToString(), StringComparison.Ordinal)));
        Assert.All(await DeliveriesAsync(), d => Assert.Equal("delivered", d.Status));
        Assert.Equal(Chat.Received.Count, await ScalarAsync("select count(*) from posops_notifications.attempts"));
        Assert.Equal(0, await ScalarAsync("select count(*) from posops_notifications.dead_letters"));
    }

    [Fact]
    public async Task GivenTheReceiverRefusesWith400_ThenTheAlertGoesToTheDeadLetters_WithTheReason_AfterOneTry()
    {
        var opened = Opened("S63-T001", code: "REFUSE_ME");

        await PublishAsync(opened);

        await Wait.UntilAsync(async () => await ScalarAsync("select count(*) from posops_notifications.dead_letters") == 1, TimeSpan.FromSeconds(30), "a dead letter");
        var row = Assert.Single(await DeliveriesAsync());
        Assert.Equal(("dead", 1), (row.Status, row.Attempts));
        Assert.Equal(1, await ScalarAsync($"select count(*) from posops_notifications.dead_letters where reason like '%400%' and alert->>'eventId' = '{opened.EventId}'"));
        Assert.Equal(1, await ScalarAsync("select count(*) from posops_notifications.attempts where outcome = 'permanent' and status_code = 400"));
        Assert.Single(Chat.Received);
    }

    [Fact]
    public async Task GivenNotificationServiceRestartsWhileAlertsAwaitRetry_ThenNothingIsLostAndNothingSentTwice()
    {
        Chat.FlakyDown = true;
        var alerts = Enumerable.Range(1, 3).Select(i => Opened($"S64-T00{i}")).ToList();
        foreach (var alert in alerts)
        {
            await PublishAsync(alert);
        }

        await Wait.UntilAsync(async () => await ScalarAsync("select count(distinct alert_key) from posops_notifications.attempts") == 3, TimeSpan.FromSeconds(30), "a first try of each alert");
        await StopNotificationsAsync();
        Chat.FlakyDown = false;
        var before = Chat.Received.Count;
        await Task.Delay(1000);
        Assert.Equal(before, Chat.Received.Count);

        await StartNotificationsAsync();

        foreach (var alert in alerts)
        {
            await Chat.WaitForAsync("flaky", r => r.Body.Contains(alert.EventId.ToString(), StringComparison.Ordinal));
        }

        await Task.Delay(2500);
        Assert.All(alerts, a => Assert.Single(Chat.Received, r => r.Status == 200 && r.Body.Contains(a.EventId.ToString(), StringComparison.Ordinal)));
        Assert.All(await DeliveriesAsync(), d => Assert.Equal("delivered", d.Status));
    }
}
