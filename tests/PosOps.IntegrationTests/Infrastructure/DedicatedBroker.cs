namespace PosOps.IntegrationTests.Infrastructure;

/// <summary>
/// A RabbitMQ node of one test's own (deploy/local/servers.sh with its own state folder and ports),
/// so the test can stop and start the broker without disturbing any other test.
/// </summary>
public sealed class DedicatedBroker : IAsyncDisposable
{
    private readonly string state = Path.Combine(Path.GetTempPath(), "posops-broker-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string postgres;

    public DedicatedBroker(string postgresConnectionString, int port = 27772)
    {
        postgres = postgresConnectionString;
        Port = port;
    }

    public int Port { get; }

    public string Uri => $"amqp://posops:posops@127.0.0.1:{Port}/";

    public Task UpAsync() => RunAsync("up");

    public Task DownAsync() => RunAsync("down");

    public async ValueTask DisposeAsync()
    {
        await RunAsync("down");
        ServersScript.Delete(state);
    }

    private Task RunAsync(string command) => ServersScript.RunAsync(command, new Dictionary<string, string>
    {
        // Only the broker is ours: a PostgreSQL setting that is not the script's own default makes it start none.
        ["POSOPS_POSTGRES"] = postgres + ";Application Name=posops-dedicated-broker",
        ["POSOPS_STATE_DIR"] = state,
        ["POSOPS_AMQP_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["POSOPS_RABBITMQ_MGMT_PORT"] = (Port + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["POSOPS_RABBITMQ_DIST_PORT"] = (Port + 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["POSOPS_EPMD_PORT"] = (Port + 3).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["POSOPS_RABBITMQ_NODENAME"] = $"posops-{Port}@localhost",
    }, "POSOPS_RABBITMQ");
}
