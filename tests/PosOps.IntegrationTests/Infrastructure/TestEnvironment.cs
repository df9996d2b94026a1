using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Npgsql;

namespace PosOps.IntegrationTests.Infrastructure;

/// <summary>A database and a RabbitMQ virtual host of one test's own, dropped afterwards.</summary>
public sealed class TestEnvironment : IAsyncDisposable
{
    private readonly TestServers servers;
    private readonly string name;
    private readonly string admin;

    private TestEnvironment(TestServers servers, string name, string admin, string postgres, string rabbit)
    {
        this.servers = servers;
        this.name = name;
        this.admin = admin;
        PostgresConnectionString = postgres;
        RabbitMqUri = rabbit;
    }

    public string PostgresConnectionString { get; }

    public string RabbitMqUri { get; private set; }

    /// <summary>Points this environment at another broker (e.g. a test's own node that it stops and starts).</summary>
    public TestEnvironment UseBroker(string uri)
    {
        RabbitMqUri = uri;
        return this;
    }

    /// <param name="postgresAdmin">Another PostgreSQL server for the database (e.g. a test's own that it stops and starts).</param>
    public static async Task<TestEnvironment> CreateAsync(TestServers servers, string? postgresAdmin = null)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var name = "posops_t_" + Guid.NewGuid().ToString("N")[..12];
        var adminConnection = postgresAdmin ?? servers.PostgresConnectionString;
        await using (var admin = new NpgsqlConnection(adminConnection))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var postgres = new NpgsqlConnectionStringBuilder(adminConnection) { Database = name }.ConnectionString;
        var rabbit = servers.RabbitMqUri;
        if (servers.RabbitMqManagement is { } management)
        {
            using var http = ManagementClient(servers, management);
            (await http.PutAsync($"/api/vhosts/{name}", null)).EnsureSuccessStatusCode();
            var user = new Uri(servers.RabbitMqUri).UserInfo.Split(':')[0];
            (await http.PutAsJsonAsync($"/api/permissions/{name}/{Uri.EscapeDataString(user)}", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
            rabbit = new UriBuilder(servers.RabbitMqUri) { Path = "/" + name }.Uri.ToString();
        }

        return new TestEnvironment(servers, name, adminConnection, postgres, rabbit);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using (var admin = new NpgsqlConnection(this.admin))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop database if exists {name} with (force)", admin);
            await drop.ExecuteNonQueryAsync();
        }

        if (servers.RabbitMqManagement is { } management)
        {
            using var http = ManagementClient(servers, management);
            await http.DeleteAsync($"/api/vhosts/{name}");
        }
    }

    private static HttpClient ManagementClient(TestServers servers, Uri management)
    {
        var userInfo = Uri.UnescapeDataString(new Uri(servers.RabbitMqUri).UserInfo);
        var http = new HttpClient { BaseAddress = management };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(userInfo)));
        return http;
    }
}

/// <summary>
/// An empty runbook folder, for tests about audit, export and the page rather than runbooks: the
/// streams then hold only what the test scripted (runbooks are data; this data is "none").
/// </summary>
public static class NoRunbooks
{
    public static string Folder { get; } = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "posops-tests-no-runbooks")).FullName;
}
