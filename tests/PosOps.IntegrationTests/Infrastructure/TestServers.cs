using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace PosOps.IntegrationTests.Infrastructure;

/// <summary>
/// Real PostgreSQL and RabbitMQ for the whole test run, found in this order: Testcontainers when a
/// Docker engine answers; the POSOPS_POSTGRES / POSOPS_RABBITMQ settings; otherwise the servers that
/// deploy/local/servers.sh starts from the machine's own binaries on loopback. Never mocks.
/// </summary>
public sealed class TestServers : IAsyncLifetime
{
    private PostgreSqlContainer? postgres;
    private RabbitMqContainer? rabbit;

    public string PostgresConnectionString { get; private set; } = "";

    public string RabbitMqUri { get; private set; } = "";

    /// <summary>RabbitMQ management API, used to give each test its own virtual host; null when unknown.</summary>
    public Uri? RabbitMqManagement { get; private set; }

    public string Source { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (DockerEngineAnswers())
        {
            postgres = new PostgreSqlBuilder("postgres:16").Build();
            // IncidentService partitions agent traffic through x-consistent-hash exchanges: the image ships the plugin, off.
            rabbit = new RabbitMqBuilder("rabbitmq:3.13-management").WithPortBinding(15672, true)
                .WithResourceMapping(Encoding.UTF8.GetBytes("[rabbitmq_management,rabbitmq_consistent_hash_exchange]."), "/etc/rabbitmq/enabled_plugins")
                .Build();
            await Task.WhenAll(postgres.StartAsync(), rabbit.StartAsync());
            PostgresConnectionString = postgres.GetConnectionString();
            RabbitMqUri = rabbit.GetConnectionString();
            RabbitMqManagement = new Uri($"http://{rabbit.Hostname}:{rabbit.GetMappedPublicPort(15672)}");
            Source = "Testcontainers";
            return;
        }

        var pg = Environment.GetEnvironmentVariable("POSOPS_POSTGRES");
        var amqp = Environment.GetEnvironmentVariable("POSOPS_RABBITMQ");
        var management = Environment.GetEnvironmentVariable("POSOPS_RABBITMQ_MANAGEMENT");
        Source = "environment";
        if (string.IsNullOrEmpty(pg) || string.IsNullOrEmpty(amqp))
        {
            var settings = await StartLocalServersAsync();
            pg = settings["POSOPS_POSTGRES"];
            amqp = settings["POSOPS_RABBITMQ"];
            management = settings.GetValueOrDefault("POSOPS_RABBITMQ_MANAGEMENT");
            Source = "deploy/local/servers.sh";
        }

        PostgresConnectionString = pg;
        RabbitMqUri = amqp;
        RabbitMqManagement = string.IsNullOrEmpty(management) ? null : new Uri(management);
    }

    public async Task DisposeAsync()
    {
        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }

        if (rabbit is not null)
        {
            await rabbit.DisposeAsync();
        }
    }

    private static bool DockerEngineAnswers()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var socketPath = host is { Length: > 0 } && host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : "/var/run/docker.sock";
        if (host is { Length: > 0 } && !host.StartsWith("unix://", StringComparison.Ordinal))
        {
            return true;
        }

        if (!File.Exists(socketPath))
        {
            return false;
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<Dictionary<string, string>> StartLocalServersAsync()
    {
        var script = Path.Combine(RepositoryRoot(), "deploy", "local", "servers.sh");
        var start = new ProcessStartInfo("bash", [script, "up"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not run {script}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} up failed ({process.ExitCode}):\n{await stderr}");
        }

        return (await stdout).Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("export ", StringComparison.Ordinal) && l.Contains('=', StringComparison.Ordinal))
            .Select(l => l["export ".Length..].Split('=', 2))
            .ToDictionary(p => p[0], p => p[1].Trim('"', '\''));
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PosOps.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PosOps.sln not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class ServersCollection : ICollectionFixture<TestServers>
{
    // One collection: integration tests share the servers and run one after another, which also
    // keeps a 2-core machine from timing out under parallel hosts.
    public const string Name = "real servers";
}
