using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PosOps.IntegrationTests.Incidents;

/// <summary>The guide's follow-up and ops actions on real servers: durable timers, verification, close.</summary>
public sealed class LifecycleTests(TestServers servers) : SystemTest(servers)
{
    protected override bool WithNotifications => false;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Incidents:FollowUp:WindowSeconds"] = "2",
        ["Incidents:FollowUp:PollSeconds"] = "0.2",
    };

    private async Task<JsonElement> IncidentAsync(string deviceId) =>
        Assert.Single((await System.GetJsonAsync($"/api/incidents?deviceId={deviceId}")).EnumerateArray());

    private async Task WaitForStatusAsync(string deviceId, string status, int seconds = 30) =>
        await Wait.UntilAsync(async () => (await System.GetJsonAsync($"/api/incidents?deviceId={deviceId}")).EnumerateArray()
            .Any(i => i.GetProperty("status").GetString() == status), TimeSpan.FromSeconds(seconds), $"{deviceId} {status}");

    [Fact]
    public async Task GivenAClearedFault_WhenTheFollowUpWindowPassesHealthy_ThenTheIncidentIsVerified_AndOpsCanCloseIt()
    {
        var device = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Fault(device, 1), default);
        await System.Agent.PublishAsync(Messages.Cleared(device, 2), default);
        await WaitForStatusAsync(device, "resolved");

        await WaitForStatusAsync(device, "verified");
        var id = (await IncidentAsync(device)).GetProperty("id").GetString();
        var close = await System.Api.PostAsJsonAsync($"/api/incidents/{id}/close", new { by = "li.wei" });

        Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        Assert.Equal("closed", (await close.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var late = await System.Api.PostAsJsonAsync($"/api/incidents/{id}/acknowledge", new { by = "li.wei" });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    [Fact]
    public async Task GivenAnOpenIncident_WhenOpsAcknowledgesMitigatesAndResolves_ThenEachStepIsInTheStream()
    {
        var device = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Fault(device, 1, "display", "DISPLAY_UNRESPONSIVE"), default);
        await WaitForStatusAsync(device, "open");
        var id = (await IncidentAsync(device)).GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.OK, (await System.Api.PostAsJsonAsync($"/api/incidents/{id}/acknowledge", new { by = "li.wei" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await System.Api.PostAsJsonAsync($"/api/incidents/{id}/mitigate", new { workaround = "backup terminal S01-T099", by = "li.wei" })).StatusCode);
        var resolved = await System.Api.PostAsJsonAsync($"/api/incidents/{id}/resolve", new { by = "li.wei", note = "vendor replaced the screen" });

        Assert.Equal("resolved", (await resolved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(["fault_detected", "incident_opened", "incident_acknowledged", "incident_mitigated", "incident_resolved"], await System.StreamEventTypesAsync(device));
        await WaitForStatusAsync(device, "verified");
        Assert.Equal(HttpStatusCode.NotFound, (await System.Api.PostAsJsonAsync($"/api/incidents/{Guid.NewGuid()}/acknowledge", new { by = "x" })).StatusCode);
    }

    [Fact]
    public async Task GivenAResolvedIncident_WhenTheFaultComesBackWithinTheWindow_ThenTheSameIncidentReopens()
    {
        var device = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Fault(device, 1), default);
        await System.Agent.PublishAsync(Messages.Cleared(device, 2), default);
        await System.Agent.PublishAsync(Messages.Fault(device, 3), default);

        await Wait.UntilAsync(async () => (await System.Api.GetAsync($"/api/devices/{device}/events")).IsSuccessStatusCode
            && (await System.StreamEventTypesAsync(device)).Contains("incident_reopened"), TimeSpan.FromSeconds(20), "reopen");
        var incident = await IncidentAsync(device);
        Assert.Equal(("open", 1), (incident.GetProperty("status").GetString(), incident.GetProperty("flapCount").GetInt32()));
        await Task.Delay(3000);
        Assert.Equal("open", (await IncidentAsync(device)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task GivenAPendingFollowUp_WhenIncidentServiceRestartsPastItsDueTime_ThenItStillFires()
    {
        var device = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Fault(device, 1), default);
        await System.Agent.PublishAsync(Messages.Cleared(device, 2), default);
        await WaitForStatusAsync(device, "resolved");

        await System.StopIncidentServicesAsync();
        await Task.Delay(3000);
        await System.StartIncidentServiceAsync();

        await WaitForStatusAsync(device, "verified");
    }
}

/// <summary>Escalation on durable timers: nobody acknowledged in time, up the levels until someone does.</summary>
public sealed class EscalationTests(TestServers servers) : SystemTest(servers)
{
    protected override bool WithNotifications => false;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Incidents:FollowUp:PollSeconds"] = "0.2",
        ["Incidents:FollowUp:Escalation:DegradedSeconds"] = "1",
        ["Incidents:FollowUp:Escalation:BlockingSeconds"] = "4",
        ["Incidents:FollowUp:Escalation:MaxLevel"] = "2",
    };

    [Fact]
    public async Task GivenAnUnacknowledgedIncident_ThenItEscalatesLevelByLevelToTheLast_AndAnAcknowledgedOneDoesNot()
    {
        var ignored = Messages.NewDeviceId();
        var taken = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Fault(ignored, 1), default);
        await System.Agent.PublishAsync(Messages.Fault(taken, 1, "display", "DISPLAY_UNRESPONSIVE"), default);
        await Wait.UntilAsync(async () => (await System.GetJsonAsync($"/api/incidents?deviceId={taken}")).GetArrayLength() == 1, TimeSpan.FromSeconds(20), "incident");
        var id = (await System.GetJsonAsync($"/api/incidents?deviceId={taken}"))[0].GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await System.Api.PostAsJsonAsync($"/api/incidents/{id}/acknowledge", new { by = "li.wei" })).StatusCode);

        await Wait.UntilAsync(async () => (await System.StreamEventTypesAsync(ignored)).Count(t => t == "incident_escalated") == 2, TimeSpan.FromSeconds(20), "two escalations");
        await Task.Delay(4500); // past the acknowledged incident's own 4 s deadline, and a third level that must not come

        Assert.Equal(2, (await System.StreamEventTypesAsync(ignored)).Count(t => t == "incident_escalated"));
        Assert.DoesNotContain("incident_escalated", await System.StreamEventTypesAsync(taken));
    }
}

/// <summary>Durable timers fire once even with two IncidentService instances claiming them.</summary>
public sealed class TimersAcrossInstancesTests(TestServers servers) : SystemTest(servers)
{
    protected override int IncidentServices => 2;

    protected override bool WithNotifications => false;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Incidents:FollowUp:WindowSeconds"] = "1",
        ["Incidents:FollowUp:PollSeconds"] = "0.1",
    };

    [Fact]
    public async Task GivenTwoInstances_WhenTwentyFollowUpsFallDue_ThenEachIncidentIsVerifiedExactlyOnce()
    {
        var devices = Enumerable.Range(0, 20).Select(_ => Messages.NewDeviceId("S11")).Distinct().ToList();
        foreach (var device in devices)
        {
            await System.Agent.PublishAsync(Messages.Fault(device, 1), default);
        }

        // Two consumers may take one device's fault and clear in either order (per-device ordering
        // across replicas is the partitioning work still to do), so the clears go once every fault is in.
        await Wait.UntilAsync(async () => (await System.GetJsonAsync("/api/incidents?storeId=S11")).GetArrayLength() == devices.Count, TimeSpan.FromSeconds(30), "every incident open");
        foreach (var device in devices)
        {
            await System.Agent.PublishAsync(Messages.Cleared(device, 2), default);
        }

        await Wait.UntilAsync(async () => (await System.GetJsonAsync("/api/incidents?storeId=S11&status=verified")).GetArrayLength() == devices.Count,
            TimeSpan.FromSeconds(60), "every incident verified");
        await Task.Delay(1500);
        foreach (var device in devices)
        {
            Assert.Single(await System.StreamEventTypesAsync(device), t => t == "incident_verified");
        }
    }
}
