using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PosOps.ServiceDefaults.Security;

namespace PosOps.IntegrationTests.Notifications;

/// <summary>Acknowledge from the alert: the link's signed, expiring token acknowledges through IncidentService's API.</summary>
public sealed class AckLinkTests(TestServers servers) : NotificationTest(servers)
{
    protected override int IncidentServices => 1;

    protected override string Rules => """
        routes:
          - name: default
            firstLine: [webhook]
        """;

    [Fact]
    public async Task GivenAnAlertWithAnAckLink_WhenItIsOpenedAndConfirmed_ThenTheIncidentIsAcknowledgedByTheReceiver()
    {
        var device = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Fault(device, 1), default);
        var alert = await System.Webhook.WaitForAsync(w => w.Field("deviceId") == device && w.Field("kind") == "incident.opened");
        var link = new Uri(alert.Field("ackUrl"));
        using var http = new HttpClient { BaseAddress = System.Api.BaseAddress };

        var page = await http.GetAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<form method=\"post\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("open", (await System.GetJsonAsync($"/api/incidents/{alert.Field("incidentId")}")).GetProperty("status").GetString());

        var acked = await http.PostAsync(link.PathAndQuery, null);

        Assert.Equal(HttpStatusCode.OK, acked.StatusCode);
        var incident = await acked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("acknowledged", "webhook"), (incident.GetProperty("status").GetString(), incident.GetProperty("acknowledgedBy").GetString()));
        await System.Webhook.WaitForAsync(w => w.Field("deviceId") == device && w.Field("kind") == "incident.acknowledged");
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync(link.PathAndQuery, null)).StatusCode);
    }

    [Fact]
    public async Task GivenForgedOrExpiredTokens_ThenProblemDetailsSayWhy()
    {
        var device = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Fault(device, 1), default);
        var alert = await System.Webhook.WaitForAsync(w => w.Field("deviceId") == device && w.Field("kind") == "incident.opened");
        var id = Guid.Parse(alert.Field("incidentId"));
        using var http = new HttpClient { BaseAddress = System.Api.BaseAddress };

        var forged = AlertAckToken.Create("some-other-secret-entirely", id, "mallory", DateTimeOffset.UtcNow.AddHours(1));
        var expired = AlertAckToken.Create(AckSecret, id, "li.wei", DateTimeOffset.UtcNow.AddMinutes(-1));
        var otherIncident = AlertAckToken.Create(AckSecret, Guid.CreateVersion7(), "li.wei", DateTimeOffset.UtcNow.AddHours(1));

        await AssertProblemAsync(await http.PostAsync($"/api/incidents/{id}/ack?token={Uri.EscapeDataString(forged)}", null), HttpStatusCode.Unauthorized, "signature");
        await AssertProblemAsync(await http.PostAsync($"/api/incidents/{id}/ack?token=garbage", null), HttpStatusCode.Unauthorized, "malformed");
        await AssertProblemAsync(await http.PostAsync($"/api/incidents/{id}/ack?token={Uri.EscapeDataString(expired)}", null), HttpStatusCode.Forbidden, "expired");
        await AssertProblemAsync(await http.GetAsync($"/api/incidents/{id}/ack?token={Uri.EscapeDataString(otherIncident)}"), HttpStatusCode.Forbidden, "not " + id);
        Assert.Equal("open", (await System.GetJsonAsync($"/api/incidents/{id}")).GetProperty("status").GetString());
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string reason)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
