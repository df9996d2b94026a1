using System.Diagnostics;
using Xunit.Abstractions;

namespace PosOps.IntegrationTests.Resilience;

/// <summary>
/// An agent killed with a fault edge in its outbox comes back without that fault: the edge arrives,
/// opens an incident, and its clear never comes. Heartbeats reconciled before the edge, and unchanged
/// since, must still resolve it (level-triggered reconciliation is complete).
/// </summary>
public sealed class RestartedAgentTests(TestServers servers, ITestOutputHelper output) : SystemTest(servers)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Liveness:HeartbeatIntervalSeconds"] = "2",
    };

    [Fact]
    public async Task GivenAnEdgeWhoseClearNeverComes_WhenTheRestartedAgentsHeartbeatsShowNoFault_ThenNoIncidentStaysOpenPastTwoHeartbeats()
    {
        var device = Messages.NewDeviceId();
        long sequence = 0;

        // Before the kill: healthy heartbeats, reconciled.
        for (var i = 0; i < 3; i++)
        {
            await System.Agent.PublishAsync(Messages.Heartbeat(device, ++sequence), default);
            await Task.Delay(Interval);
        }

        // The edge from the outbox, delivered after the restart; the restarted agent no longer has the fault.
        await System.Agent.PublishAsync(Messages.Fault(device, ++sequence), default);
        await System.Webhook.WaitForAsync(w => w.Field("deviceId") == device && w.Field("kind") == "incident.opened");

        var heartbeats = Stopwatch.StartNew();
        var resolved = System.Webhook.WaitForAsync(w => w.Field("deviceId") == device && w.Field("kind") == "incident.resolved", TimeSpan.FromSeconds(30));
        for (var i = 0; i < 4 && !resolved.IsCompleted; i++)
        {
            await System.Agent.PublishAsync(Messages.Heartbeat(device, ++sequence), default);
            await Task.Delay(Interval);
        }

        var alert = await resolved;
        output.WriteLine($"resolved {heartbeats.Elapsed.TotalSeconds:0.0} s after the first heartbeat of the restarted agent");
        Assert.True(heartbeats.Elapsed <= 2 * Interval + TimeSpan.FromSeconds(2), $"still open {heartbeats.Elapsed.TotalSeconds:0.0} s after the restarted agent's first heartbeat");
        Assert.Contains("heartbeat", alert.Body, StringComparison.Ordinal);
        var incident = Assert.Single((await System.GetJsonAsync($"/api/incidents?deviceId={device}")).EnumerateArray());
        Assert.Equal("resolved", incident.GetProperty("status").GetString());
    }
}
