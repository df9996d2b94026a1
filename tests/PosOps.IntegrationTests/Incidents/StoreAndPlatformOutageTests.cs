using System.Text.Json;
using PosOps.Contracts;
using PosOps.IncidentService.Registry;

namespace PosOps.IntegrationTests.Incidents;

/// <summary>
/// The guide's network outage at one store, end to end with the real agent: WiFi down for 3 of its 4
/// terminals → one store incident with 3 linked device incidents and their alerts held back; the runbook's
/// switch-network command moves them to 4G (mitigated); the WiFi comes back, they resolve, and after the
/// (shortened) follow-up window they are verified.
/// </summary>
public sealed class StoreOutageTests(TestServers servers) : SystemTest(servers)
{
    private const string Store = "S01";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Liveness:HeartbeatIntervalSeconds"] = "1",
        ["Incidents:FollowUp:WindowSeconds"] = "4",
        ["Incidents:FollowUp:PollSeconds"] = "0.2",
        ["Incidents:Correlation:AlertHoldSeconds"] = "4",
        ["Incidents:Correlation:CheckEverySeconds"] = "0.2",
    };

    [Fact]
    public async Task GivenWifiDownForThreeOfFourTerminals_ThenOneStoreIncident_ThreeLinkedDeviceIncidents_AndOneAlert_AndTheRunbookMovesThemTo4G_ThenTheyResolveAndVerify()
    {
        var terminals = Enumerable.Range(1, 4).Select(i => $"{Store}-T{i:000}").ToList();
        foreach (var terminal in terminals)
        {
            await System.Agent.EnsureRegisteredAsync(terminal);
        }

        await System.RegisterStoreAsync(new StoreRegistration(Store, "Nanjing Road", "east", "China Telecom", "LN-88-2041", ["mall"], ["S01-B01"]));
        await using var tap = await System.TapAsync(EventTypes.IncidentOpened, EventTypes.StoreOutageDetected);
        // Automatic failover off: the terminals stay on the failed WiFi until the runbook tells them to switch.
        await using var agent = await RunningAgent.StartAsync(System.Environment.RabbitMqUri, terminals: 4, extra: new Dictionary<string, string?> { ["Agent:AutoFailover"] = "false" });
        await Wait.UntilAsync(async () => (await System.GetJsonAsync($"/api/devices?storeId={Store}")).GetArrayLength() == 4, TimeSpan.FromSeconds(20), "every terminal's first heartbeat");

        var out_ = terminals.Take(3).ToList();
        foreach (var terminal in out_)
        {
            agent.Hardware(terminal).SetLink("wifi", false);
        }

        // One store incident, the three device incidents linked to it.
        JsonElement storeIncident = default;
        var seen = "";
        try
        {
            await Wait.UntilAsync(async () =>
            {
                var all = (await System.GetJsonAsync($"/api/incidents?storeId={Store}")).EnumerateArray().ToList();
                seen = string.Join("; ", all.Select(i => $"{i.GetProperty("deviceId")} {i.GetProperty("faultCode")} {i.GetProperty("status")} {i.GetProperty("recordedAt")}"));
                var found = all.Where(i => i.GetProperty("faultCode").GetString() == "STORE_OUTAGE").ToList();
                storeIncident = found.FirstOrDefault();
                return found.Count == 1;
            }, TimeSpan.FromSeconds(30), "the store incident");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; incidents at {Store}: {seen}", e);
        }
        var storeIncidentId = storeIncident.GetProperty("id").GetGuid();
        Assert.Equal("store:" + Store, storeIncident.GetProperty("deviceId").GetString());
        Assert.Equal(out_, storeIncident.GetProperty("affectedDevices").EnumerateArray().Select(d => d.GetString()).Order());
        await Wait.UntilAsync(async () => (await DeviceIncidentsAsync()).Count(i => i.TryGetProperty("coveredBy", out var c) && c.ValueKind == JsonValueKind.String && c.GetGuid() == storeIncidentId) == 3,
            TimeSpan.FromSeconds(20), "three linked device incidents");
        Assert.Equal(out_, (await DeviceIncidentsAsync()).Select(i => i.GetProperty("deviceId").GetString()).Order());

        // The runbook's switch-network command moves each terminal to 4G: mitigated.
        foreach (var terminal in out_)
        {
            await Wait.UntilAsync(async () =>
            {
                var events = await EventsAsync(terminal);
                var command = events.FirstOrDefault(e => e.GetProperty("type").GetString() == "command_issued" && e.GetProperty("data").GetProperty("command").GetString() == "switchNetwork");
                return command.ValueKind != JsonValueKind.Undefined
                    && command.GetProperty("data").GetProperty("network").GetString() == "cellular"
                    && events.Any(e => e.GetProperty("type").GetString() == "network_switched"
                        && e.GetProperty("data").GetProperty("reason").GetString() == "command" && e.GetProperty("data").GetProperty("to").GetString() == "cellular")
                    && events.Any(e => e.GetProperty("type").GetString() == "command_answered" && e.GetProperty("data").GetProperty("status").GetString() == "succeeded"
                        && e.GetProperty("data").GetProperty("commandId").GetGuid() == command.GetProperty("data").GetProperty("commandId").GetGuid());
            }, TimeSpan.FromSeconds(20), $"{terminal} moved to 4G by the runbook's command");
            await Wait.UntilAsync(async () => (await System.GetJsonAsync($"/api/devices/{terminal}")).GetProperty("health").GetProperty("network").GetProperty("mode").GetString() == "cellular",
                TimeSpan.FromSeconds(10), $"{terminal}'s heartbeat on cellular");
        }

        await Wait.UntilAsync(async () => (await DeviceIncidentsAsync()).All(i => i.GetProperty("status").GetString() == "mitigated"), TimeSpan.FromSeconds(20), "incidents mitigated");

        // What left IncidentService: the store outage once, the device incidents held back by it.
        await Wait.UntilAsync(async () => (await tap.DrainAsync()).Count(e => e.Type == EventTypes.IncidentOpened) == 3, TimeSpan.FromSeconds(20), "the held device alerts");
        var published = await tap.DrainAsync();
        var storeAlert = Assert.Single(published, e => e.Type == EventTypes.StoreOutageDetected).Body;
        Assert.Equal(("network", 4, "east"), (storeAlert.GetProperty("cause").GetString(), storeAlert.GetProperty("storeTerminals").GetInt32(), storeAlert.GetProperty("region").GetString()));
        Assert.All(published.Where(e => e.Type == EventTypes.IncidentOpened), e => Assert.Equal(storeIncidentId, e.Body.GetProperty("heldBackBy").GetGuid()));
        Assert.All(published, e => Assert.True(e.Sequence > 0, $"{e.Type} without the {WireNames.EventSequenceHeader} header"));

        // What ops heard: one alert, for the store.
        await System.Webhook.WaitForAsync(w => !w.Failed && Kind(w) == "store.outage.detected");

        // The WiFi comes back: the incidents resolve, then verify after the follow-up window; the store incident too.
        foreach (var terminal in out_)
        {
            agent.Hardware(terminal).SetLink("wifi", true);
        }

        await Wait.UntilAsync(async () => (await DeviceIncidentsAsync()).All(i => i.GetProperty("status").GetString() == "verified"), TimeSpan.FromSeconds(40), "device incidents verified");
        await Wait.UntilAsync(async () => (await System.GetJsonAsync($"/api/incidents/{storeIncidentId}")).GetProperty("status").GetString() == "verified",
            TimeSpan.FromSeconds(30), "the store incident verified");
        var store = await System.GetJsonAsync($"/api/incidents/{storeIncidentId}");
        Assert.Equal("restart-router", store.GetProperty("steps")[0].GetProperty("stepId").GetString());
        Assert.Single(System.Webhook.Received, w => !w.Failed && Kind(w) == "store.outage.detected");
        Assert.DoesNotContain(System.Webhook.Received, w => w.Json.TryGetProperty("deviceId", out var d) && out_.Contains(d.GetString()!));
    }

    private static string? Kind(ReceivedWebhook webhook) => webhook.Json.TryGetProperty("kind", out var kind) ? kind.GetString() : null;

    private async Task<List<JsonElement>> DeviceIncidentsAsync() =>
        [.. (await System.GetJsonAsync($"/api/incidents?storeId={Store}")).EnumerateArray().Where(i => i.GetProperty("faultCode").GetString() == "WIFI_DOWN")];

    private Task<List<JsonElement>> EventsAsync(string deviceId) => System.EventsAsync(deviceId);
}

/// <summary>Our outage is not theirs: 40 % of a 50-device fleet going silent at once is one platform incident, no device incidents.</summary>
public sealed class PlatformOutageTests(TestServers servers) : SystemTest(servers)
{
    protected override bool WithNotifications => false;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Liveness:HeartbeatIntervalSeconds"] = "1",
        ["Liveness:CheckEverySeconds"] = "0.2",
    };

    [Fact]
    public async Task GivenFortyPercentOfTheFleetGoesSilentAtOnce_ThenOnePlatformIncident_AndNoDeviceIncidents_AndItResolvesWhenTheyBeatAgain()
    {
        var devices = Enumerable.Range(1, 50).Select(i => $"S{40 + (i % 5)}-T{i:000}").ToList();
        var quiet = devices.Take(20).ToHashSet();
        await using var tap = await System.TapAsync(EventTypes.PlatformOutageDetected, EventTypes.PlatformOutageResolved, EventTypes.IncidentOpened);
        var silenceFrom = DateTimeOffset.UtcNow.AddSeconds(4);
        var resumeAt = DateTimeOffset.MaxValue;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var beating = Task.Run(async () =>
        {
            for (var sequence = 1; !stop.IsCancellationRequested; sequence++)
            {
                var now = DateTimeOffset.UtcNow;
                foreach (var device in devices.Where(d => !quiet.Contains(d) || now < silenceFrom || now >= resumeAt))
                {
                    await System.Agent.PublishAsync(Messages.Heartbeat(device, sequence), default);
                }

                await Task.Delay(400);
            }
        });

        await Wait.UntilAsync(async () => (await PlatformIncidentsAsync()).Count == 1, TimeSpan.FromSeconds(30), "the platform incident");
        var platform = (await PlatformIncidentsAsync())[0];
        Assert.Equal("platform", platform.GetProperty("deviceId").GetString());
        await Task.Delay(TimeSpan.FromSeconds(3)); // well past the 5 s silence threshold for the quiet devices
        Assert.DoesNotContain((await System.GetJsonAsync("/api/incidents")).EnumerateArray(), i => i.GetProperty("faultCode").GetString() == "DEVICE_SILENT");

        resumeAt = DateTimeOffset.UtcNow;
        await Wait.UntilAsync(async () => (await PlatformIncidentsAsync()).Single().GetProperty("status").GetString() == "resolved", TimeSpan.FromSeconds(20), "the platform incident resolved");
        await stop.CancelAsync();
        await beating;

        await Wait.UntilAsync(async () => (await tap.DrainAsync()).Any(e => e.Type == EventTypes.PlatformOutageResolved), TimeSpan.FromSeconds(20), "the platform events published");
        var published = await tap.DrainAsync();
        var detected = Assert.Single(published, e => e.Type == EventTypes.PlatformOutageDetected).Body;
        Assert.Equal("fleet-silent", detected.GetProperty("cause").GetString());
        Assert.Equal(50, detected.GetProperty("fleetSize").GetInt32());
        Assert.Equal(20, detected.GetProperty("silentDevices").GetInt32());
        Assert.Single(published, e => e.Type == EventTypes.PlatformOutageResolved);
        Assert.DoesNotContain(published, e => e.Type == EventTypes.IncidentOpened);
    }

    private async Task<List<JsonElement>> PlatformIncidentsAsync() =>
        [.. (await System.GetJsonAsync("/api/incidents")).EnumerateArray().Where(i => i.GetProperty("faultCode").GetString() == "PLATFORM_OUTAGE")];
}
