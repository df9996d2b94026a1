using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Npgsql;

namespace PosOps.Benchmarks;

/// <summary>
/// A benchmark's own RabbitMQ virtual host and PostgreSQL database on the running servers
/// (POSOPS_RABBITMQ, POSOPS_RABBITMQ_MANAGEMENT, POSOPS_POSTGRES, else the deploy/local defaults),
/// dropped again on dispose so a run leaves nothing behind.
/// </summary>
public sealed class BenchmarkSandbox : IAsyncDisposable
{
    private readonly HttpClient management;
    private readonly string adminPostgres;

    private BenchmarkSandbox(string name, Uri amqp, HttpClient management, string adminPostgres)
    {
        Name = name;
        Amqp = amqp;
        this.management = management;
        this.adminPostgres = adminPostgres;
        AmqpUri = new UriBuilder(amqp) { Path = "/" + name }.Uri.ToString();
        PostgresConnectionString = new NpgsqlConnectionStringBuilder(adminPostgres) { Database = name }.ConnectionString;
    }

    /// <summary>Virtual host and database name.</summary>
    public string Name { get; }

    /// <summary>The broker as configured (default virtual host), for messages.</summary>
    public Uri Amqp { get; }

    public string AmqpUri { get; }

    public string PostgresConnectionString { get; }

    public static async Task<BenchmarkSandbox> CreateAsync()
    {
        var amqp = new Uri(Environment.GetEnvironmentVariable("POSOPS_RABBITMQ") ?? "amqp://posops:posops@127.0.0.1:27672/");
        var managementUri = new Uri(Environment.GetEnvironmentVariable("POSOPS_RABBITMQ_MANAGEMENT") ?? "http://127.0.0.1:27673");
        var postgres = Environment.GetEnvironmentVariable("POSOPS_POSTGRES") ?? "Host=127.0.0.1;Port=27432;Username=posops;Password=posops;Database=posops";
        var name = "posops_bench_" + Guid.NewGuid().ToString("N")[..8];

        var http = new HttpClient { BaseAddress = managementUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(amqp.UserInfo))));
        (await http.PutAsync($"/api/vhosts/{name}", null)).EnsureSuccessStatusCode();
        (await http.PutAsJsonAsync($"/api/permissions/{name}/{amqp.UserInfo.Split(':')[0]}", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        await ExecuteAsync(postgres, $"create database {name}");
        return new BenchmarkSandbox(name, amqp, http, postgres);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(adminPostgres, $"drop database if exists {Name} with (force)");
        await management.DeleteAsync($"/api/vhosts/{Name}");
        management.Dispose();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
