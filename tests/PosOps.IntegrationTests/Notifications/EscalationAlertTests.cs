namespace PosOps.IntegrationTests.Notifications;

/// <summary>An escalation is an integration event published after commit, and ops get an alert for it.</summary>
public sealed class EscalationAlertTests(TestServers servers) : SystemTest(servers)
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Incidents:FollowUp:PollSeconds"] = "0.2",
        ["Incidents:FollowUp:Escalation:DegradedSeconds"] = "1",
        ["Incidents:FollowUp:Escalation:MaxLevel"] = "1",
    };

    [Fact]
    public async Task GivenNobodyAcknowledges_ThenTheWebhookGetsTheOpeningAndThenTheEscalation()
    {
        var device = Messages.NewDeviceId();

        await System.Agent.PublishAsync(Messages.Fault(device, 1), default);

        var opened = await System.Webhook.WaitForAsync(w => w.Field("deviceId") == device && w.Field("kind") == "incident.opened");
        var escalated = await System.Webhook.WaitForAsync(w => w.Field("deviceId") == device && w.Field("kind") == "incident.escalated");
        Assert.Equal(opened.Field("incidentId"), escalated.Field("incidentId"));
        Assert.Contains("level 1", escalated.Field("text"), StringComparison.Ordinal);
        Assert.Equal("PAPER_OUT", escalated.Field("faultCode"));
    }
}
