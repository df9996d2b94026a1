using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PosOps.IntegrationTests.Audit;

/// <summary>State as of an instant, rebuilt from the stream, at three instants of a scripted history.</summary>
public sealed class TimeTravelTests(TestServers servers) : SystemTest(servers)
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Runbooks:Folder"] = NoRunbooks.Folder };

    protected override bool WithNotifications => false;

    [Fact]
    public async Task GivenAScriptedHistory_WhenStateIsAskedAtThreeInstants_ThenEachShowsTheStateAsItStoodThen()
    {
        var device = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Fault(device, 1), default);
        await Wait.UntilAsync(async () => (await System.GetJsonAsync($"/api/incidents?device={device}")).GetArrayLength() == 1, TimeSpan.FromSeconds(30), "the incident");
        var incident = (await System.GetJsonAsync($"/api/incidents?device={device}"))[0].GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await System.Api.PostAsJsonAsync($"/api/incidents/{incident}/acknowledge", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await System.Api.PostAsJsonAsync($"/api/incidents/{incident}/resolve", new { note = "paper loaded" })).StatusCode);

        var events = (await System.GetJsonAsync($"/api/devices/{device}/events")).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["fault_detected", "incident_opened", "incident_acknowledged", "incident_resolved"], events.Select(e => e.GetProperty("type").GetString()));
        // Both clocks, the actor and the correlation id are shown on every event.
        Assert.All(events, e => Assert.True(e.TryGetProperty("correlationId", out _) && e.TryGetProperty("recordedAt", out _)));
        Assert.NotEqual(JsonValueKind.Null, events[0].GetProperty("occurredAt").ValueKind);
        Assert.Equal("device", events[0].GetProperty("actor").GetString());
        Assert.Equal("admin", events[2].GetProperty("actor").GetString());
        DateTimeOffset RecordedAt(int index) => events[index].GetProperty("recordedAt").GetDateTimeOffset();

        var before = await System.Api.GetAsync($"/api/devices/{device}/state?at={At(RecordedAt(0).AddSeconds(-5))}");
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Equal("application/problem+json", before.Content.Headers.ContentType?.MediaType);

        var opened = await StateAsync(device, RecordedAt(1));
        Assert.Equal(2, opened.GetProperty("version").GetInt64());
        Assert.Equal("open", Status(opened), ignoreCase: true);

        var acknowledged = await StateAsync(device, RecordedAt(2));
        Assert.Equal(3, acknowledged.GetProperty("version").GetInt64());
        Assert.Equal("acknowledged", Status(acknowledged), ignoreCase: true);

        var resolved = await StateAsync(device, RecordedAt(3).AddSeconds(1));
        Assert.Equal(4, resolved.GetProperty("version").GetInt64());
        Assert.Equal("resolved", Status(resolved), ignoreCase: true);

        Assert.Equal(HttpStatusCode.BadRequest, (await System.Api.GetAsync($"/api/devices/{device}/state?at=yesterday")).StatusCode);
    }

    [Fact]
    public async Task GivenALongStream_WhenPagedAndFiltered_ThenPagesJoinUpAndFiltersHold()
    {
        var device = Messages.NewDeviceId();
        for (var i = 0; i < 3; i++)
        {
            await System.Agent.PublishAsync(Messages.Fault(device, (2 * i) + 1), default);
            await System.Agent.PublishAsync(Messages.Cleared(device, (2 * i) + 2), default);
        }

        // The whole history (3 × fault detected, incident opened, fault cleared, incident resolved) before reading it twice.
        await Wait.UntilAsync(async () => (await System.Api.GetAsync($"/api/devices/{device}/events")).IsSuccessStatusCode
            && (await System.GetJsonAsync($"/api/devices/{device}/events")).GetProperty("events").GetArrayLength() >= 12, TimeSpan.FromSeconds(30), "the history");
        var all = (await System.GetJsonAsync($"/api/devices/{device}/events")).GetProperty("events").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()).ToList();

        var paged = new List<long>();
        long? after = 0;
        while (after is { } mark)
        {
            var page = await System.GetJsonAsync($"/api/devices/{device}/events?afterVersion={mark}&limit=4");
            paged.AddRange(page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()));
            after = page.GetProperty("nextAfterVersion").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextAfterVersion").GetInt64();
        }

        Assert.Equal(all, paged);
        var faults = (await System.GetJsonAsync($"/api/devices/{device}/events?type=FaultDetected,fault_cleared")).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(6, faults.Count);
        Assert.All(faults, e => Assert.StartsWith("fault_", e.GetProperty("type").GetString(), StringComparison.Ordinal));
        var future = await System.GetJsonAsync($"/api/devices/{device}/events?from={At(DateTimeOffset.UtcNow.AddHours(1))}");
        Assert.Equal(0, future.GetProperty("events").GetArrayLength());
    }

    private async Task<JsonElement> StateAsync(string device, DateTimeOffset at) => await System.GetJsonAsync($"/api/devices/{device}/state?at={At(at)}");

    private static string At(DateTimeOffset at) => Uri.EscapeDataString(at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));

    private static string Status(JsonElement state) =>
        state.GetProperty("state").GetProperty("activeIncidents").GetProperty("PAPER_OUT").GetProperty("status").GetString()!;
}
