using System.Net;
using System.Net.Http.Json;

namespace PosOps.IntegrationTests.Notifications;

/// <summary>
/// A connectivity incident's alert is held for the store correlation. Whatever happens to the incident
/// during the hold reaches ops after its opening, in commit order: never an opening alone for an
/// incident that already cleared, never a transition before (or instead of) its opening.
/// </summary>
public sealed class HeldAlertOrderTests(TestServers servers) : SystemTest(servers)
{
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(4);

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Incidents:Correlation:AlertHoldSeconds"] = "4",
        ["Runbooks:Folder"] = NoRunbooks.Folder,
    };

    [Fact]
    public async Task GivenAConnectivityIncidentThatClearsWithinTheHold_ThenOpsGetNothingOrItsOpeningThenItsResolution_NeverAnOpeningAlone()
    {
        var device = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Fault(device, 1, "network", "WIFI_DOWN"), default);
        await System.Agent.PublishAsync(Messages.Cleared(device, 2, "network", "WIFI_DOWN"), default);
        await Wait.UntilAsync(async () => (await System.StreamEventTypesAsync(device)).Contains("incident_resolved"), TimeSpan.FromSeconds(20), "the incident resolved within the hold");

        // Past the hold, with time for anything released to arrive.
        await Task.Delay(Hold + TimeSpan.FromSeconds(4));
        var kinds = KindsFor(device);

        Assert.True(kinds.Count == 0 || kinds.SequenceEqual(["incident.opened", "incident.resolved"]), $"alerts: {string.Join(", ", kinds)}");
    }

    [Fact]
    public async Task GivenAHeldIncidentAcknowledgedAndMitigatedDuringTheHold_WhenItIsReleased_ThenThoseTransitionsFollowItsOpeningInOrder()
    {
        var device = Messages.NewDeviceId();
        await System.Agent.PublishAsync(Messages.Fault(device, 1, "network", "ETHERNET_DOWN"), default);
        await Wait.UntilAsync(async () => (await System.GetJsonAsync($"/api/incidents?deviceId={device}")).GetArrayLength() == 1, TimeSpan.FromSeconds(20), "the incident");
        var id = (await System.GetJsonAsync($"/api/incidents?deviceId={device}"))[0].GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.OK, (await System.Api.PostAsJsonAsync($"/api/incidents/{id}/acknowledge", new { by = "li.wei" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await System.Api.PostAsJsonAsync($"/api/incidents/{id}/mitigate", new { workaround = "trading on cellular", by = "li.wei" })).StatusCode);
        Assert.Empty(KindsFor(device)); // still held

        await System.Webhook.WaitForAsync(w => w.Field("deviceId") == device && w.Field("kind") == "incident.mitigated", Hold + TimeSpan.FromSeconds(20));
        Assert.Equal(["incident.opened", "incident.acknowledged", "incident.mitigated"], KindsFor(device));

        // After the release, a transition goes at once and in its place.
        Assert.Equal(HttpStatusCode.OK, (await System.Api.PostAsJsonAsync($"/api/incidents/{id}/resolve", new { by = "li.wei", note = "cable replaced" })).StatusCode);
        await System.Webhook.WaitForAsync(w => w.Field("deviceId") == device && w.Field("kind") == "incident.resolved");
        Assert.Equal(["incident.opened", "incident.acknowledged", "incident.mitigated", "incident.resolved"], KindsFor(device));
    }

    private List<string> KindsFor(string device) =>
        [.. System.Webhook.Received.Where(w => !w.Failed && w.Field("deviceId") == device).Select(w => w.Field("kind"))];
}
