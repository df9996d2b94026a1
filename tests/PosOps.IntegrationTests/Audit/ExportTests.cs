using System.Globalization;
using System.Net;
using System.Text.Json;

namespace PosOps.IntegrationTests.Audit;

/// <summary>CSV and JSON exports of a device's and a store's history, streamed, with the count up front and a range filter.</summary>
public sealed class ExportTests(TestServers servers) : SystemTest(servers)
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Runbooks:Folder"] = NoRunbooks.Folder };

    protected override bool WithNotifications => false;

    [Fact]
    public async Task GivenDeviceHistories_WhenExported_ThenEveryEventIsThere_InCsvAndJson_WithTheCountUpFront()
    {
        var store = "S" + Random.Shared.Next(100, 999).ToString(CultureInfo.InvariantCulture);
        var first = Messages.NewDeviceId(store);
        var second = Messages.NewDeviceId(store);
        await System.Agent.PublishAsync(Messages.Fault(first, 1), default);
        // Apart, so the clear is committed (and time-stamped) after the fault: the range filter below needs two instants.
        await Wait.UntilAsync(async () => (await System.GetJsonAsync($"/api/incidents?device={first}")).GetArrayLength() == 1, TimeSpan.FromSeconds(30), "the first incident");
        await Task.Delay(50);
        await System.Agent.PublishAsync(Messages.Cleared(first, 2), default);
        await System.Agent.PublishAsync(Messages.Fault(second, 1, "display", "DISPLAY_UNRESPONSIVE"), default);
        await Wait.UntilAsync(async () => (await System.GetJsonAsync($"/api/incidents?store={store}&status=resolved")).GetArrayLength() == 1
            && (await System.GetJsonAsync($"/api/incidents?store={store}")).GetArrayLength() == 2, TimeSpan.FromSeconds(30), "both histories");

        var json = await System.Api.GetAsync($"/api/devices/{first}/export?format=json");
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal("4", json.Headers.GetValues("X-PosOps-Event-Count").Single());
        var events = JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
        Assert.Equal(["fault_detected", "incident_opened", "fault_cleared", "incident_resolved"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("PAPER_OUT", events[0].GetProperty("data").GetProperty("faultCode").GetString());

        var csv = await System.Api.GetAsync($"/api/devices/{first}/export?format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("version,sequence,type,occurredAt,recordedAt,actor,correlationId,data", lines[0]);
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("1,", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"{\"\"deviceId\"\":", lines[1], StringComparison.Ordinal);

        // The range is on the server clock: from the third event on.
        var from = Uri.EscapeDataString(events[2].GetProperty("recordedAt").GetDateTimeOffset().UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        var ranged = await System.Api.GetAsync($"/api/devices/{first}/export?format=json&from={from}");
        Assert.Equal(2, JsonDocument.Parse(await ranged.Content.ReadAsStringAsync()).RootElement.GetArrayLength());

        var storeCsv = await System.Api.GetAsync($"/api/stores/{store}/export?format=csv");
        Assert.Equal("6", storeCsv.Headers.GetValues("X-PosOps-Event-Count").Single());
        var storeLines = (await storeCsv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("deviceId,version,", storeLines[0], StringComparison.Ordinal);
        Assert.Equal(7, storeLines.Length);
        Assert.Equal(2, storeLines.Skip(1).Select(l => l.Split(',')[0]).Distinct().Count());

        Assert.Equal(HttpStatusCode.BadRequest, (await System.Api.GetAsync($"/api/devices/{first}/export?format=xml")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await System.Api.GetAsync("/api/devices/S01-T000000/export")).StatusCode);
    }
}
