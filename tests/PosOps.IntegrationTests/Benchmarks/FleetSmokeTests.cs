using PosOps.Benchmarks.Fleet;

namespace PosOps.IntegrationTests.Benchmarks;

/// <summary>
/// The fleet benchmark, small (1,000 terminals at a 5 s heartbeat, held 30 s, 10 faults/s, a two-store outage,
/// three silences): it fails when anything is lost (a fault without its alert, a silence missed, a beating
/// terminal called silent, a store outage not alerted, a message rejected), never on a timing.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class FleetSmokeTests(TestServers servers)
{
    [Fact]
    public async Task GivenASmallFleet_WhenTheBenchmarkRuns_ThenNothingIsLost()
    {
        // The benchmark finds the servers the way its README command does: in the environment.
        Environment.SetEnvironmentVariable("POSOPS_POSTGRES", servers.PostgresConnectionString);
        Environment.SetEnvironmentVariable("POSOPS_RABBITMQ", servers.RabbitMqUri);
        Environment.SetEnvironmentVariable("POSOPS_RABBITMQ_MANAGEMENT", (servers.RabbitMqManagement ?? throw new InvalidOperationException("the benchmark needs the RabbitMQ management API")).ToString());

        var exit = await FleetBenchmark.RunAsync(["1000", "30", "10", "5", "2", "3"]);

        Assert.Equal(0, exit);
    }
}
