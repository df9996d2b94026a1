using Xunit.Abstractions;

namespace PosOps.IntegrationTests.Resilience;

/// <summary>
/// RabbitMQ is stopped for 60 s (POSOPS_OUTAGE_SECONDS) under a steady flow of faults and heartbeats,
/// then started: every service's loops wait it out and resume; nothing is lost or doubled.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class BrokerRideThroughTests(TestServers servers, ITestOutputHelper output)
{
    [Fact]
    public async Task GivenTheBrokerIsStopped_UnderASteadyFlow_ThenEveryFaultIsOneIncident_EveryTransitionOneAlert_AndNoServiceExits()
    {
        await using var broker = new DedicatedBroker(servers.PostgresConnectionString, 28720);
        await broker.UpAsync();
        await using var environment = (await TestEnvironment.CreateAsync(servers)).UseBroker(broker.Uri);
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var system = await RunningSystem.StartAsync(environment, webhook, settings: OutageDrill.Settings);
        string[] devices = ["S01-T001", "S01-T002"];
        foreach (var device in devices)
        {
            await system.Agent.EnsureRegisteredAsync(device);
        }

        await using var agent = await RunningAgent.StartAsync(broker.Uri, terminals: devices.Length);
        await OutageDrill.RunAsync(system, agent, devices, OutageDrill.Seconds("POSOPS_OUTAGE_SECONDS", 60), broker.DownAsync, broker.UpAsync, output.WriteLine);
    }
}
