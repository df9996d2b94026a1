using Microsoft.Extensions.Configuration;
using PosOps.Contracts.Incidents;
using PosOps.NotificationService.Channels;
using PosOps.NotificationService.Routing;

namespace PosOps.NotificationService.Tests;

internal static class Given
{
    public static readonly DateTimeOffset Noon = new(2026, 3, 2, 4, 0, 0, TimeSpan.Zero); // 12:00 in Asia/Shanghai

    public static Alert Opened(string deviceId = "S01-T001", Severity severity = Severity.Blocking, string component = "network", string code = "WIFI_DOWN", string? region = null, IReadOnlyList<string>? tags = null, DateTimeOffset? at = null) =>
        Alert.From(new IncidentOpened(Guid.CreateVersion7(), Guid.CreateVersion7(), deviceId, deviceId.Split('-')[0], component, code, severity, at ?? Noon, at ?? Noon, region, tags));

    public static Alert Escalated(Alert opened, int level) =>
        Alert.From(new IncidentEscalated(Guid.CreateVersion7(), opened.IncidentId, opened.DeviceId, opened.StoreId, opened.FaultCode, "unacknowledged", level, "nobody took it", Noon, Noon), opened.Memo());

    public static RulesLoader Loader(Dictionary<string, string?>? config = null) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(config ?? []).Build(), new WebhookOptions(), new RoutingOptions());

    public static RuleSet Rules(string yaml, Dictionary<string, string?>? config = null)
    {
        var rules = Loader(config).Load(yaml, "test", out var problems);
        Assert.Empty(problems);
        return rules!;
    }
}
