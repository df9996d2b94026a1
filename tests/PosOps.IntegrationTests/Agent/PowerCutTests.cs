using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using PosOps.IncidentService.OfflineTransactions;
using Xunit.Abstractions;

namespace PosOps.IntegrationTests.Agent;

/// <summary>The guide's fear of lost data: an agent killed mid-outage loses no offline transaction and uploads none twice.</summary>
public sealed class PowerCutTests(TestServers servers, ITestOutputHelper output) : SystemTest(servers)
{
    private const string Terminal = "S01-T001";
    private const int Transactions = 1000;

    protected override bool WithNotifications => false;

    [Fact]
    public async Task GivenAnOfflineAgentWith1000JournaledTransactions_WhenKilledWithSigkillAndRestarted_ThenEveryTransactionIsUploadedExactlyOnceAndReconciled()
    {
        await System.Agent.EnsureRegisteredAsync(Terminal);
        var store = Path.Combine(Path.GetTempPath(), $"posops-powercut-{Guid.NewGuid():N}.db");
        var scenario = Path.Combine(Path.GetTempPath(), $"posops-offline-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(scenario, """{"name":"payment host down","steps":[{"at":0,"target":"*","action":"paymentHostDown"}]}""");
        var settings = new Dictionary<string, string>
        {
            ["RabbitMq:Uri"] = System.Environment.RabbitMqUri,
            ["Agent:Store:Path"] = store,
            ["Agent:HeartbeatIntervalSeconds"] = "1",
            ["Agent:Simulation:Terminals"] = "1",
            ["Agent:Simulation:Stores"] = "1",
            ["Agent:Simulation:FaultEverySeconds"] = "0",
            ["Agent:Simulation:OfflineSaleEverySeconds"] = "0",
            ["Agent:Simulation:FleetSecret"] = TestAgent.FleetSecret,
        };

        await using (var offline = await AgentProcess.StartAsync(new Dictionary<string, string>(settings) { ["Agent:Simulation:ScenarioFile"] = scenario }))
        {
            using var local = new HttpClient { BaseAddress = offline.Local };
            var taken = DateTimeOffset.UtcNow;
            var recording = Stopwatch.StartNew();
            for (var i = 0; i < Transactions; i++)
            {
                var response = await local.PostAsJsonAsync("/api/offline-transactions", new
                {
                    deviceId = Terminal,
                    transactionId = $"pc-{i:0000}",
                    amount = 1m + (i % 100),
                    currency = i % 10 == 0 ? "USD" : "CNY",
                    takenAt = taken,
                });
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }

            output.WriteLine($"journaled {Transactions} transactions in {recording.Elapsed.TotalSeconds:0.00} s ({Transactions / recording.Elapsed.TotalSeconds:0} /s, each committed with synchronous=FULL)");
            await offline.KillAsync();
        }

        var restarted = Stopwatch.StartNew();
        await using var online = await AgentProcess.StartAsync(settings);
        JsonElement last = default;
        await Wait.UntilAsync(async () =>
        {
            var uploads = await UploadsAsync();
            if (uploads.Count == 0)
            {
                return false;
            }

            last = uploads[^1];
            return uploads.Sum(u => u.GetProperty("count").GetInt32()) >= Transactions && last.GetProperty("reconciled").GetBoolean();
        }, TimeSpan.FromSeconds(60), "all offline transactions to be uploaded and reconciled");
        output.WriteLine($"restart to reconciled: {restarted.Elapsed.TotalSeconds:0.00} s for {Transactions} transactions, including agent start-up");

        var all = await UploadsAsync();
        Assert.Equal(Transactions, all.Sum(u => u.GetProperty("count").GetInt32()));
        Assert.Contains("journal and server agree", last.GetProperty("reconciliation").GetString(), StringComparison.Ordinal);
        var expected = Enumerable.Range(0, Transactions).Where(i => i % 10 != 0).Sum(i => 1m + (i % 100));
        Assert.Equal(expected, last.GetProperty("journalTotals").EnumerateArray().Single(t => t.GetProperty("currency").GetString() == "CNY").GetProperty("amount").GetDecimal());

        await using var session = System.IncidentService.Services.GetRequiredService<IDocumentStore>().QuerySession();
        Assert.Equal(Transactions, await session.Query<OfflineTransactionRecord>().CountAsync(r => r.DeviceId == Terminal));
        File.Delete(scenario);
    }

    private async Task<List<JsonElement>> UploadsAsync()
    {
        var response = await System.Api.GetAsync($"/api/devices/{Terminal}/events");
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }

        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == "offline_transactions_uploaded")
            .Select(e => e.GetProperty("data"))];
    }
}
