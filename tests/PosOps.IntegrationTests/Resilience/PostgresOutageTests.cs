using Xunit.Abstractions;

namespace PosOps.IntegrationTests.Resilience;

/// <summary>
/// PostgreSQL (both services' database) is stopped for 60 s (POSOPS_PG_OUTAGE_SECONDS) under a steady
/// flow of faults and heartbeats, then started: nothing is lost or doubled and no service exits.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class PostgresOutageTests(TestServers servers, ITestOutputHelper output)
{
    [Fact]
    public async Task GivenPostgresIsStopped_UnderASteadyFlow_ThenEveryFaultIsOneIncident_EveryTransitionOneAlert_AndNoServiceExits()
    {
        await using var postgres = new DedicatedPostgres(servers.RabbitMqUri);
        await postgres.UpAsync();
        await using var environment = await TestEnvironment.CreateAsync(servers, postgres.ConnectionString);
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var system = await RunningSystem.StartAsync(environment, webhook, settings: OutageDrill.Settings);
        string[] devices = ["S01-T001", "S01-T002"];
        foreach (var device in devices)
        {
            await system.Agent.EnsureRegisteredAsync(device);
        }

        await using var agent = await RunningAgent.StartAsync(environment.RabbitMqUri, terminals: devices.Length);
        await OutageDrill.RunAsync(system, agent, devices, OutageDrill.Seconds("POSOPS_PG_OUTAGE_SECONDS", 60), postgres.DownAsync, postgres.UpAsync, output.WriteLine);
    }
}
