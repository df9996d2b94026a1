using System.Net;
using System.Text.Json;

namespace PosOps.IntegrationTests.Api;

/// <summary>The live stream (SSE) carries committed integration events and device statuses; devices list by status; /metrics answers in Prometheus format on every service.</summary>
public sealed class LiveAndMetricsTests(TestServers servers) : SystemTest(servers)
{
    [Fact]
    public async Task GivenAConnectedStreamClient_WhenAFaultOpensAnIncident_ThenTheClientReceivesIncidentOpened_AndTheDevicesNewStatus()
    {
        using var response = await System.Api.GetAsync("/api/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body);
        Assert.Equal(": connected", await reader.ReadLineAsync());

        var device = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Fault(device, 1), default);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new Dictionary<string, JsonElement>();
        string? eventName = null;
        while (received.Count < 2 && await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains(device, StringComparison.Ordinal))
            {
                received[eventName!] = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
            }
        }

        Assert.Equal(["device-status", "incident-opened"], received.Keys.Order());
        Assert.Equal(device, received["device-status"].GetProperty("deviceId").GetString());
        Assert.Equal("degraded", received["device-status"].GetProperty("status").GetString());
        Assert.Equal("PAPER_OUT", received["device-status"].GetProperty("openFaults")[0].GetProperty("faultCode").GetString());
    }

    [Fact]
    public async Task GivenOneTerminalOutOfPaper_WhenDevicesAreListedByStatus_ThenEachStatusListsTheRightTerminals_AndAnUnknownStatusIsABadRequest()
    {
        var faulty = Messages.NewDeviceId();
        var healthy = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Heartbeat(faulty, 1), default);
        await System.Agent.PublishAsync(Messages.Heartbeat(healthy, 1), default);
        await System.Agent.PublishAsync(Messages.Fault(faulty, 2), default);
        await Wait.UntilAsync(async () => (await System.GetJsonAsync($"/api/incidents?device={faulty}")).GetArrayLength() == 1, TimeSpan.FromSeconds(30), "the incident");
        await Wait.UntilAsync(async () => (await System.GetJsonAsync("/api/devices")).GetArrayLength() == 2, TimeSpan.FromSeconds(30), "both heartbeats");

        async Task<string[]> ListedAsync(string status) =>
            [.. (await System.GetJsonAsync($"/api/devices?status={status}")).EnumerateArray().Select(d => d.GetProperty("deviceId").GetString()!)];

        Assert.Equal([faulty], await ListedAsync("degraded"));
        Assert.Equal([healthy], await ListedAsync("OK"));
        Assert.Empty(await ListedAsync("down"));
        using var bad = await System.Api.GetAsync("/api/devices?status=broken");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("ok, degraded, down, silent", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenRunningServices_WhenMetricsAreScraped_ThenEachAnswersInPrometheusFormat_WithTheIngestionAndIncidentSeries()
    {
        var device = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Heartbeat(device, 1), default);
        await System.Agent.PublishAsync(Messages.Fault(device, 2), default);
        await Wait.UntilAsync(async () => (await System.GetJsonAsync($"/api/incidents?device={device}")).GetArrayLength() == 1, TimeSpan.FromSeconds(30), "the incident");

        using var anonymous = new HttpClient();
        var metrics = "";
        await Wait.UntilAsync(async () =>
        {
            metrics = await anonymous.GetStringAsync(new Uri(System.Api.BaseAddress!, "/metrics"));
            return metrics.Contains("posops_agent_messages_handled", StringComparison.Ordinal) && metrics.Contains("posops_incidents{", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30), "the ingestion and incident series");
        Assert.Contains("queue=\"posops.incidents.fault\"", metrics, StringComparison.Ordinal);
        // The names the Grafana dashboard uses.
        foreach (var series in new[] { "posops_agent_messages_handled_total", "posops_incidents", "posops_queue_messages", "posops_publisher_lag", "http_server_request_duration_seconds_bucket" })
        {
            Assert.Matches($"(?m)^{series}[{{ ]", metrics);
        }

        var notifications = await anonymous.GetAsync(new Uri(new Uri(System.Notifications!.Urls.First()), "/metrics"));
        Assert.Equal(HttpStatusCode.OK, notifications.StatusCode);
        Assert.Contains("# TYPE", await notifications.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenTheService_WhenItsOpenApiDocumentIsFetchedAnonymously_ThenItDescribesTheRoutesAndBothWaysToAuthenticate()
    {
        using var anonymous = new HttpClient { BaseAddress = System.Api.BaseAddress };
        var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json")).RootElement;

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/devices/{id}/state", paths);
        Assert.Contains("/api/devices/{id}/verify", paths);
        Assert.Contains("/api/stores/{id}/export", paths);
        Assert.Contains("/api/stream", paths);
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("X-Api-Key", schemes.GetProperty("ApiKey").GetProperty("name").GetString());
        Assert.Equal("bearer", schemes.GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/scalar")).StatusCode);
    }
}
