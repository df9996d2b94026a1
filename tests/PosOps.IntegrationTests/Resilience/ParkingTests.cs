using System.Net;
using System.Net.Http.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using PosOps.Contracts.Commands;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Publishing;

namespace PosOps.IntegrationTests.Resilience;

/// <summary>An after-commit event that can never be published is parked with its reason and an alert; the events after it flow on.</summary>
public sealed class ParkingTests(TestServers servers) : SystemTest(servers)
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        // Eleven alerts at once would make a storm digest of the last one.
        ["Notification:Rules:StormThreshold"] = "100000",
    };

    [Fact]
    public async Task GivenACommittedCommandWithARoutingKeyOver255Bytes_ThenItIsParked_WithAPlatformAlert_AndTheNextTenAlertsAreDelivered()
    {
        // What an unvalidated device id in a path could once store (the API refuses it now): written straight to the stream.
        var badDevice = new string('X', 300);
        var store = System.IncidentService.Services.GetRequiredService<IDocumentStore>();
        var now = DateTimeOffset.UtcNow;
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<Device>(badDevice, new CommandIssued(badDevice, Guid.CreateVersion7(), CommandKind.SelfTest, null, null, null, "test", now.AddMinutes(2), now));
            await session.SaveChangesAsync();
        }

        var devices = Enumerable.Range(0, 10).Select(_ => Messages.NewDeviceId()).ToList();
        foreach (var device in devices)
        {
            await System.Agent.PublishAsync(Messages.Fault(device, 1), default);
        }

        foreach (var device in devices)
        {
            await System.Webhook.WaitForAsync(w => w.Field("deviceId") == device && w.Field("kind") == "incident.opened", TimeSpan.FromSeconds(60));
        }

        var alert = await System.Webhook.WaitForAsync(w => w.Field("kind") == "platform.outage.detected" && w.Body.Contains(ParkedEvents.Cause, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await using var query = store.QuerySession();
        var parked = Assert.Single(await query.Query<ParkedEvent>().Where(p => p.StreamId == badDevice).ToListAsync());
        Assert.Equal(nameof(AgentCommand), parked.Message);
        Assert.False(string.IsNullOrWhiteSpace(parked.Reason));
        Assert.Contains(parked.Id.ToString(), alert.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenADeviceIdOver64Characters_WhenACommandIsPosted_ThenRefusedBeforeAnythingIsStored()
    {
        var response = await System.Api.PostAsJsonAsync($"/api/devices/{new string('X', 300)}/commands", new { kind = "selfTest" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
