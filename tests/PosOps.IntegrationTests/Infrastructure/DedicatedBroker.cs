using System.Diagnostics;

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
        try
        {
            Directory.Delete(state, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean; it is under the temp folder.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    private async Task RunAsync(string command)
    {
        var script = Path.Combine(TestServers.RepositoryRoot(), "deploy", "local", "servers.sh");
        var start = new ProcessStartInfo("bash", [script, command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("POSOPS_RABBITMQ");
        // Only the broker is ours: a PostgreSQL setting that is not the script's own default makes it start none.
        start.Environment["POSOPS_POSTGRES"] = postgres + ";Application Name=posops-dedicated-broker";
        start.Environment["POSOPS_STATE_DIR"] = state;
        start.Environment["POSOPS_AMQP_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["POSOPS_RABBITMQ_MGMT_PORT"] = (Port + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["POSOPS_RABBITMQ_DIST_PORT"] = (Port + 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["POSOPS_EPMD_PORT"] = (Port + 3).ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["POSOPS_RABBITMQ_NODENAME"] = $"posops-{Port}@localhost";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run servers.sh");
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"servers.sh {command} failed:\n{await stderr}");
        }
    }
}
