using System.Net.Http.Json;

namespace PosOps.IntegrationTests.Incidents;

/// <summary>
/// The guide's follow-up ("check that the POS is really back to normal") and flapping, on real servers:
/// a resolution the terminal's heartbeat contradicts fails its follow-up and reopens; a fault that keeps
/// coming back escalates once as flapping.
/// </summary>
public sealed class FollowUpAndFlappingTests(TestServers servers) : SystemTest(servers)
{
    protected override bool WithNotifications => false;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Liveness:HeartbeatIntervalSeconds"] = "1",
        ["Incidents:FollowUp:WindowSeconds"] = "3",
        ["Incidents:FollowUp:PollSeconds"] = "0.2",
    };

    [Fact]
    public async Task GivenOpsResolveWhileTheHeartbeatStillShowsTheFault_WhenTheFollowUpRuns_ThenFollowUpFailed_AndTheIncidentReopens()
    {
        var device = Messages.NewDeviceId("S61");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var beating = Task.Run(async () =>
        {
            for (var sequence = 1; !stop.IsCancellationRequested; sequence++)
            {
                await System.Agent.PublishAsync(Messages.Heartbeat(device, sequence, printerFault: "PAPER_OUT"), default);
                await Task.Delay(300);
            }
        });

        await Wait.UntilAsync(async () => (await System.StreamEventTypesAsync(device)).Contains("incident_opened"), TimeSpan.FromSeconds(20), "the heartbeat to open the incident");
        var incident = (await System.GetJsonAsync($"/api/incidents?deviceId={device}"))[0].GetProperty("id").GetGuid();
        var response = await System.Api.PostAsJsonAsync($"/api/incidents/{incident}/resolve", new { note = "paper loaded" });
        response.EnsureSuccessStatusCode();

        await Wait.UntilAsync(async () => (await System.StreamEventTypesAsync(device)).Contains("follow_up_failed"), TimeSpan.FromSeconds(20), "the follow-up to fail");
        await stop.CancelAsync();
        await beating;

        var events = await System.EventsAsync(device);
        var failed = events.Single(e => e.GetProperty("type").GetString() == "follow_up_failed").GetProperty("data");
        Assert.Contains("still reports PAPER_OUT", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var types = await System.StreamEventTypesAsync(device);
        Assert.Equal(["incident_resolved", "follow_up_failed", "incident_reopened"], types.SkipWhile(t => t != "incident_resolved").Take(3));
        Assert.Equal("open", (await System.GetJsonAsync($"/api/incidents/{incident}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task GivenAFaultThatComesBackThreeTimesWithinTheHour_ThenTheIncidentReopensEachTime_AndEscalatesOnceAsFlapping()
    {
        var device = Messages.NewDeviceId("S62");
        long sequence = 0;
        await System.Agent.PublishAsync(Messages.Fault(device, ++sequence), default);
        for (var flap = 1; flap <= 4; flap++)
        {
            await System.Agent.PublishAsync(Messages.Cleared(device, ++sequence), default);
            await System.Agent.PublishAsync(Messages.Fault(device, ++sequence), default);
        }

        await Wait.UntilAsync(async () => (await System.StreamEventTypesAsync(device)).Count(t => t == "incident_reopened") == 4, TimeSpan.FromSeconds(20), "four reopens");
        var incidents = await System.GetJsonAsync($"/api/incidents?deviceId={device}");
        Assert.Equal(1, incidents.GetArrayLength());
        Assert.Equal(4, incidents[0].GetProperty("flapCount").GetInt32());
        Assert.True(incidents[0].GetProperty("flapping").GetBoolean());
        var escalations = (await System.EventsAsync(device)).Where(e => e.GetProperty("type").GetString() == "incident_escalated").Select(e => e.GetProperty("data").GetProperty("kind").GetString()).ToList();
        Assert.Equal(["flapping"], escalations.Where(k => k == "flapping"));
    }
}
