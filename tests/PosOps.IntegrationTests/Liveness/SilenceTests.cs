using System.Globalization;
using Xunit.Abstractions;

namespace PosOps.IntegrationTests.Liveness;

/// <summary>A device that stops beating is DEVICE_SILENT within 3 × interval + 2 s; when it beats again the incident resolves with the gap recorded.</summary>
public sealed class SilenceTests(TestServers servers, ITestOutputHelper output) : SystemTest(servers)
{
    protected override bool WithNotifications => false;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Liveness:HeartbeatIntervalSeconds"] = "1",
        ["Liveness:CheckEverySeconds"] = "0.2",
    };

    [Fact]
    public async Task GivenADeviceStopsBeating_ThenItIsSilentWithinThreeIntervalsPlusTwoSeconds_AndComingBackResolvesWithTheGap()
    {
        var devices = Enumerable.Range(0, 5).Select(_ => Messages.NewDeviceId("S21")).Distinct().ToList();
        foreach (var device in devices)
        {
            await System.Agent.PublishAsync(Messages.Heartbeat(device, 1), default);
        }

        // The rest of the fleet keeps beating: a fleet that goes quiet all at once is our outage, not theirs.
        using var keepBeating = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var keeper = Messages.NewDeviceId("S22");
        var beating = Task.Run(async () =>
        {
            for (var sequence = 1; !keepBeating.IsCancellationRequested; sequence++)
            {
                await System.Agent.PublishAsync(Messages.Heartbeat(keeper, sequence), default);
                await Task.Delay(300);
            }
        });

        await Wait.UntilAsync(async () => (await System.GetJsonAsync("/api/devices?storeId=S21")).GetArrayLength() == devices.Count, TimeSpan.FromSeconds(20), "first heartbeats");
        var lastSeen = (await System.GetJsonAsync("/api/devices?storeId=S21")).EnumerateArray()
            .ToDictionary(d => d.GetProperty("deviceId").GetString()!, d => d.GetProperty("lastSeenAt").GetDateTimeOffset());

        await Wait.UntilAsync(async () => (await System.GetJsonAsync("/api/incidents?storeId=S21")).GetArrayLength() == devices.Count, TimeSpan.FromSeconds(30), "DEVICE_SILENT on every device");
        var incidents = (await System.GetJsonAsync("/api/incidents?storeId=S21")).EnumerateArray().ToList();
        Assert.All(incidents, i => Assert.Equal("DEVICE_SILENT", i.GetProperty("faultCode").GetString()));
        var latencies = incidents.Select(i => (i.GetProperty("recordedAt").GetDateTimeOffset() - lastSeen[i.GetProperty("deviceId").GetString()!]).TotalSeconds).Order().ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"silent detection after the last heartbeat: min {latencies[0]:0.00} s, max {latencies[^1]:0.00} s (threshold 5 s, checked every 0.2 s)"));
        Assert.All(latencies, l => Assert.InRange(l, 5.0, 6.5));

        await System.Agent.PublishAsync(Messages.Heartbeat(devices[0], 2), default);
        await Wait.UntilAsync(async () => (await System.StreamEventTypesAsync(devices[0])).Contains("incident_resolved"), TimeSpan.FromSeconds(20), "the silence to end");
        var events = (await System.GetJsonAsync($"/api/devices/{devices[0]}/events")).GetProperty("events").EnumerateArray().ToList();
        var ended = events.Single(e => e.GetProperty("type").GetString() == "silence_ended").GetProperty("data");
        Assert.True(ended.GetProperty("gapSeconds").GetDouble() >= 5);
        Assert.Equal(["fault_detected", "incident_opened", "silence_ended", "fault_cleared", "incident_resolved"], events.Select(e => e.GetProperty("type").GetString()));
        await keepBeating.CancelAsync();
        await beating;
        Assert.Equal(0, (await System.GetJsonAsync("/api/incidents?storeId=S22")).GetArrayLength());
    }
}
