using System.Text.Json;
using System.Net;

namespace PosOps.IntegrationTests.Liveness;

/// <summary>Design principle 1: heartbeats update the last known health; they never become events.</summary>
public sealed class HeartbeatTests(TestServers servers) : SystemTest(servers)
{
    protected override bool WithNotifications => false;

    // Two pictures agree only when they arrive at least a quarter interval apart (not in one burst).
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Liveness:HeartbeatIntervalSeconds"] = "1" };

    [Fact]
    public async Task GivenUnchangedHeartbeats_ThenOnlyTheLastKnownHealthMoves_AndNoEventIsWritten()
    {
        var deviceId = Messages.NewDeviceId();

        for (var sequence = 1; sequence <= 3; sequence++)
        {
            await System.Agent.PublishAsync(Messages.Heartbeat(deviceId, sequence), default);
        }

        await Wait.UntilAsync(async () => await SequenceAsync(deviceId) == 3, TimeSpan.FromSeconds(20), "heartbeat 3");
        Assert.Equal(HttpStatusCode.NotFound, (await System.Api.GetAsync($"/api/devices/{deviceId}/events")).StatusCode);
    }

    [Fact]
    public async Task GivenAFaultOnlyTheHeartbeatShows_ThenTheIncidentOpens_AndItResolvesWhenTheHeartbeatNoLongerShowsIt()
    {
        // Level-triggered: the fault edge was lost, the heartbeats still tell the truth (once two agree).
        var deviceId = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Heartbeat(deviceId, 1), default);
        await System.Agent.PublishAsync(Messages.Heartbeat(deviceId, 2, printerFault: "PAPER_OUT"), default);
        await Wait.UntilAsync(async () => await SequenceAsync(deviceId) == 2, TimeSpan.FromSeconds(20), "heartbeat 2");
        Assert.Equal(HttpStatusCode.NotFound, (await System.Api.GetAsync($"/api/devices/{deviceId}/events")).StatusCode); // one picture is not yet the truth
        await Task.Delay(400);
        await System.Agent.PublishAsync(Messages.Heartbeat(deviceId, 3, printerFault: "PAPER_OUT"), default);

        await Wait.UntilAsync(async () => (await System.Api.GetAsync($"/api/devices/{deviceId}/events")).IsSuccessStatusCode, TimeSpan.FromSeconds(20), "the incident");
        var device = await System.GetJsonAsync($"/api/devices/{deviceId}");
        var printer = device.GetProperty("health").GetProperty("components").EnumerateArray().Single(c => c.GetProperty("component").GetString() == "printer");
        Assert.Equal("PAPER_OUT", printer.GetProperty("code").GetString());
        Assert.Equal(["fault_detected", "incident_opened"], await System.StreamEventTypesAsync(deviceId));

        await System.Agent.PublishAsync(Messages.Heartbeat(deviceId, 4), default);
        await Wait.UntilAsync(async () => await SequenceAsync(deviceId) == 4, TimeSpan.FromSeconds(20), "heartbeat 4");
        await Task.Delay(400);
        await System.Agent.PublishAsync(Messages.Heartbeat(deviceId, 5), default);
        await Wait.UntilAsync(async () => (await System.StreamEventTypesAsync(deviceId)).Length == 4, TimeSpan.FromSeconds(20), "the resolution");
        Assert.Equal(["fault_detected", "incident_opened", "fault_cleared", "incident_resolved"], await System.StreamEventTypesAsync(deviceId));
    }

    [Fact]
    public async Task GivenANewerHeartbeat_WhenAnOlderOneArrivesLate_ThenTheHealthDoesNotGoBack()
    {
        var deviceId = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Heartbeat(deviceId, 10), default);
        await Wait.UntilAsync(async () => await SequenceAsync(deviceId) == 10, TimeSpan.FromSeconds(20), "heartbeat 10");

        await System.Agent.PublishAsync(Messages.Heartbeat(deviceId, 9, printerFault: "PAPER_JAM"), default);
        var marker = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Heartbeat(marker, 1), default);
        await Wait.UntilAsync(async () => await SequenceAsync(marker) == 1, TimeSpan.FromSeconds(20), "marker heartbeat");

        Assert.Equal(10, await SequenceAsync(deviceId));
    }

    private async Task<long?> SequenceAsync(string deviceId)
    {
        var response = await System.Api.GetAsync($"/api/devices/{deviceId}");
        return response.IsSuccessStatusCode
            ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("sequence").GetInt64()
            : null;
    }
}
