using System.Text.Json;
using System.Net;

namespace PosOps.IntegrationTests.Liveness;

/// <summary>Design principle 1: heartbeats update the last known health; they never become events.</summary>
public sealed class HeartbeatTests(TestServers servers) : SystemTest(servers)
{
    protected override bool WithNotifications => false;

    [Fact]
    public async Task GivenHeartbeats_ThenTheLastKnownHealthIsTheNewest_AndNoEventIsWritten()
    {
        var deviceId = Messages.NewDeviceId();

        for (var sequence = 1; sequence <= 3; sequence++)
        {
            await System.Agent.PublishAsync(Messages.Heartbeat(deviceId, sequence, printerFault: sequence == 3 ? "PAPER_OUT" : null), default);
        }

        await Wait.UntilAsync(async () => await SequenceAsync(deviceId) == 3, TimeSpan.FromSeconds(20), "heartbeat 3");
        var device = await System.GetJsonAsync($"/api/devices/{deviceId}");
        var printer = device.GetProperty("health").GetProperty("components").EnumerateArray().Single(c => c.GetProperty("component").GetString() == "printer");
        Assert.Equal("PAPER_OUT", printer.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await System.Api.GetAsync($"/api/devices/{deviceId}/events")).StatusCode);
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
