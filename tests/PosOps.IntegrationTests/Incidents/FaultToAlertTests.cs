using System.Text;
using PosOps.NotificationService.Channels;

namespace PosOps.IntegrationTests.Incidents;

/// <summary>The walking skeleton end to end: agent → RabbitMQ → IncidentService → PostgreSQL → RabbitMQ → NotificationService → webhook.</summary>
public sealed class FaultToAlertTests(TestServers servers) : SystemTest(servers)
{
    [Fact]
    public async Task GivenRunningSystem_WhenAgentReportsPaperOut_ThenWebhookNamesDeviceFaultAndIncident_AndTheStreamHoldsExactlyTwoEvents()
    {
        var deviceId = Messages.NewDeviceId();

        await System.Agent.PublishAsync(Messages.Fault(deviceId, 1), default);

        var alert = await System.Webhook.WaitForAsync(w => w.Field("deviceId") == deviceId);
        Assert.Equal(("incident.opened", "PAPER_OUT", "degraded"), (alert.Field("kind"), alert.Field("faultCode"), alert.Field("severity")));
        var incidents = await System.GetJsonAsync($"/api/incidents?deviceId={deviceId}");
        var incident = Assert.Single(incidents.EnumerateArray());
        Assert.Equal(incident.GetProperty("id").GetString(), alert.Field("incidentId"));
        Assert.Equal(["fault_detected", "incident_opened"], await System.StreamEventTypesAsync(deviceId));
        var timestamp = alert.Headers[WebhookChannel.TimestampHeader];
        Assert.Equal("sha256=" + WebhookChannel.Sign("test-secret", timestamp, Encoding.UTF8.GetBytes(alert.Body)), alert.Headers[WebhookChannel.SignatureHeader]);
    }

    [Fact]
    public async Task GivenRunningSystem_WhenTheSameFaultMessageIsDeliveredTwice_ThenOneIncidentAndOneWebhook()
    {
        var deviceId = Messages.NewDeviceId();
        var fault = Messages.Fault(deviceId, 1);

        await System.Agent.PublishAsync(fault, default);
        await System.Agent.PublishAsync(fault, default);
        await System.Webhook.WaitForAsync(w => w.Field("deviceId") == deviceId);

        // A marker fault on another device, published after the duplicate, proves the duplicate was consumed.
        var marker = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Fault(marker, 1), default);
        await System.Webhook.WaitForAsync(w => w.Field("deviceId") == marker);

        Assert.Single(System.Webhook.Received, w => w.Field("deviceId") == deviceId);
        Assert.Single((await System.GetJsonAsync($"/api/incidents?deviceId={deviceId}")).EnumerateArray());
        Assert.Equal(["fault_detected", "incident_opened"], await System.StreamEventTypesAsync(deviceId));
    }

    [Fact]
    public async Task GivenOpenIncident_WhenTheFaultClears_ThenResolvedAlertAndTheIncidentIsResolved()
    {
        var deviceId = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Fault(deviceId, 1), default);
        await System.Agent.PublishAsync(Messages.Cleared(deviceId, 2), default);

        var resolved = await System.Webhook.WaitForAsync(w => w.Field("deviceId") == deviceId && w.Field("kind") == "incident.resolved");

        var incident = Assert.Single((await System.GetJsonAsync($"/api/incidents?deviceId={deviceId}")).EnumerateArray());
        Assert.Equal("resolved", incident.GetProperty("status").GetString());
        Assert.Equal(incident.GetProperty("id").GetString(), resolved.Field("incidentId"));
        Assert.Equal(["fault_detected", "incident_opened", "fault_cleared", "incident_resolved"], await System.StreamEventTypesAsync(deviceId));
    }

    [Fact]
    public async Task GivenRunningSystem_WhenReadinessIsAsked_ThenBrokerAndDatabaseAreChecked()
    {
        var ready = await System.GetJsonAsync("/health/ready");

        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("rabbitmq").GetProperty("status").GetString());
    }
}
