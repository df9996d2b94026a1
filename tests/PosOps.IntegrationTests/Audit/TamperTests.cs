using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace PosOps.IntegrationTests.Audit;

/// <summary>Tamper evidence on real PostgreSQL: change or remove a stored event row with SQL and verify names it.</summary>
public sealed class TamperTests(TestServers servers) : SystemTest(servers)
{
    protected override bool WithNotifications => false;

    [Fact]
    public async Task GivenStoredHistories_WhenOneEventRowIsChangedWithSql_ThenVerifyNamesThatVersion_AndUntouchedStreamsVerify()
    {
        var tampered = Messages.NewDeviceId();
        var deleted = Messages.NewDeviceId();
        var untouched = Messages.NewDeviceId();
        foreach (var device in new[] { tampered, deleted, untouched })
        {
            await System.Agent.PublishAsync(Messages.Fault(device, 1), default);
            await System.Agent.PublishAsync(Messages.Cleared(device, 2), default);
            await System.Agent.PublishAsync(Messages.Fault(device, 3, "display", "DISPLAY_UNRESPONSIVE"), default);
        }

        foreach (var device in new[] { tampered, deleted, untouched })
        {
            await Wait.UntilAsync(async () => (await EventCountAsync(device)) >= 6, TimeSpan.FromSeconds(30), $"six events on {device}");
            var clean = await System.GetJsonAsync($"/api/devices/{device}/verify");
            Assert.True(clean.GetProperty("valid").GetBoolean(), clean.ToString());
            Assert.Equal(await EventCountAsync(device), clean.GetProperty("events").GetInt64());
            Assert.Equal(JsonValueKind.Null, clean.GetProperty("firstBrokenVersion").ValueKind);
        }

        await SqlAsync($"update posops.mt_events set data = data || '{{\"Note\": \"edited later\"}}'::jsonb where stream_id = '{tampered}' and version = 3");
        await SqlAsync($"delete from posops.mt_events where stream_id = '{deleted}' and version = 2");

        var broken = await System.GetJsonAsync($"/api/devices/{tampered}/verify");
        Assert.False(broken.GetProperty("valid").GetBoolean());
        Assert.Equal(3, broken.GetProperty("firstBrokenVersion").GetInt64());
        Assert.Equal(2, broken.GetProperty("events").GetInt64()); // the links that still held
        Assert.Contains("content", broken.GetProperty("reason").GetString(), StringComparison.Ordinal);

        var gap = await System.GetJsonAsync($"/api/devices/{deleted}/verify");
        Assert.False(gap.GetProperty("valid").GetBoolean());
        Assert.Equal(2, gap.GetProperty("firstBrokenVersion").GetInt64());

        Assert.True((await System.GetJsonAsync($"/api/devices/{untouched}/verify")).GetProperty("valid").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await System.Api.GetAsync("/api/devices/S01-T000000/verify")).StatusCode);
    }

    [Fact]
    public async Task GivenAStreamThatIsNotADevice_WhenAppendedAndVerified_ThenTheChainHoldsForItToo()
    {
        var store = System.IncidentService.Services.GetRequiredService<Marten.IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            // Any event type will do: the chain is over rows, not over device semantics.
            session.Events.Append("store:S77", new PosOps.IncidentService.Incidents.SilenceEnded("store:S77", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow, 60));
            await session.SaveChangesAsync();
        }

        await using (var session = store.LightweightSession())
        {
            session.Events.Append("store:S77", new PosOps.IncidentService.Incidents.SilenceEnded("store:S77", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow, 30));
            await session.SaveChangesAsync();
        }

        var verdict = await System.GetJsonAsync("/api/devices/store:S77/verify");
        Assert.True(verdict.GetProperty("valid").GetBoolean(), verdict.ToString());
        Assert.Equal(2, verdict.GetProperty("events").GetInt64());
    }

    private async Task<int> EventCountAsync(string device)
    {
        var response = await System.Api.GetAsync($"/api/devices/{device}/events");
        return response.IsSuccessStatusCode ? (await System.GetJsonAsync($"/api/devices/{device}/events")).GetProperty("events").GetArrayLength() : 0;
    }

    private async Task SqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(System.Environment.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
