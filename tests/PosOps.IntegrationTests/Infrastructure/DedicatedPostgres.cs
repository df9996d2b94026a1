using System.Globalization;

namespace PosOps.IntegrationTests.Infrastructure;

/// <summary>
/// A PostgreSQL server of one test's own (deploy/local/servers.sh with its own state folder and port),
/// so the test can stop and start the database without disturbing any other test. The state folder is
/// under /tmp, which the postgres system user can reach.
/// </summary>
public sealed class DedicatedPostgres(string rabbitMqUri, int port = 28710) : IAsyncDisposable
{
    private readonly string state = Path.Combine("/tmp", "posops-pg-" + Guid.NewGuid().ToString("N")[..8]);

    public int Port { get; } = port;

    /// <summary>The admin connection (the script's posops user and database), for creating the test's database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=posops;Password=posops;Database=posops";

    public async Task UpAsync()
    {
        if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(state, (UnixFileMode)0b111_101_101);
        }
        await RunAsync("up");
    }

    public Task DownAsync() => RunAsync("down");

    public async ValueTask DisposeAsync()
    {
        await RunAsync("down");
        ServersScript.Delete(state);
    }

    private Task RunAsync(string command) => ServersScript.RunAsync(command, new Dictionary<string, string>
    {
        // Only PostgreSQL is ours: a broker setting that is not the script's own default makes it start none.
        ["POSOPS_RABBITMQ"] = rabbitMqUri + (rabbitMqUri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "name=posops-dedicated-postgres",
        ["POSOPS_STATE_DIR"] = state,
        ["POSOPS_PG_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
    }, "POSOPS_POSTGRES");
}
