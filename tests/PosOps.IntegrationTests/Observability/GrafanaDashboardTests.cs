using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace PosOps.IntegrationTests.Observability;

/// <summary>The Grafana dashboard asks only for metrics that IncidentService's /metrics really exposes.</summary>
public sealed partial class GrafanaDashboardTests(TestServers servers, ITestOutputHelper output) : SystemTest(servers)
{
    protected override bool WithNotifications => false;

    [GeneratedRegex(@"\b((?:posops|http_server|dotnet)_[a-z0-9_]+)")]
    private static partial Regex MetricName();

    [Fact]
    public async Task GivenTheGrafanaDashboard_WhenIncidentServiceIsScraped_ThenEveryMetricItQueriesIsExposed()
    {
        var dashboard = JsonSerializer.Deserialize<JsonElement>(await File.ReadAllTextAsync(Path.Combine(TestServers.RepositoryRoot(), "deploy", "grafana", "posops-overview.json")));
        var wanted = dashboard.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .SelectMany(e => MetricName().Matches(e).Select(m => Regex.Replace(m.Value, "_(bucket|count|sum)$", "")))
            .ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(wanted);

        // Give the counters and gauges something to count: a device with a fault, an API call, a rejected message.
        var device = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Heartbeat(device, 1), default);
        await System.Agent.PublishAsync(Messages.Fault(device, 2), default);
        await System.Agent.PublishRawAsync(PosOps.Contracts.WireNames.FaultExchange, device, "fault-reported", Guid.NewGuid(), "not json"u8.ToArray(), default);

        using var anonymous = new HttpClient { BaseAddress = System.Api.BaseAddress };
        var missing = wanted;
        var scrape = "";
        await Wait.UntilAsync(async () =>
        {
            await System.GetJsonAsync("/api/incidents");
            scrape = await anonymous.GetStringAsync("/metrics");
            missing = [.. wanted.Where(name => !Regex.IsMatch(scrape, $"^{name}(_bucket|_count|_sum)?[{{ ]", RegexOptions.Multiline))];
            return missing.Count == 0;
        }, TimeSpan.FromSeconds(45), "every dashboard metric on /metrics");

        output.WriteLine($"dashboard metrics found on /metrics: {string.Join(", ", wanted.Order(StringComparer.Ordinal))}");
    }
}
