using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Marten;
using Weasel.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PosOps.Contracts;
using PosOps.IncidentService;
using PosOps.IncidentService.Registry;
using PosOps.NotificationService;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace PosOps.Benchmarks.Fleet;

/// <summary>
/// IncidentService and NotificationService as the README runs them, hosted in this process on the benchmark's
/// own database and virtual host, a webhook receiver for the alerts, and a tap on the integration events.
/// What arrived is kept as (device, kind or type, fault code) → arrival times in Unix µs.
/// </summary>
public sealed class FleetServices : IAsyncDisposable
{
    private readonly List<WebApplication> apps = [];
    private IConnection? connection;

    public ConcurrentDictionary<(string Device, string Kind, string Code), ConcurrentQueue<long>> Webhooks { get; } = new();

    public ConcurrentDictionary<(string Device, string Code), ConcurrentQueue<long>> Opened { get; } = new();

    public WebApplication IncidentService => apps[1];

    public static async Task<FleetServices> StartAsync(BenchmarkSandbox sandbox, double interval)
    {
        var services = new FleetServices();
        var receiver = await services.StartReceiverAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = sandbox.PostgresConnectionString,
            ["RabbitMq:Uri"] = sandbox.AmqpUri,
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Error",
            // Version conflicts between writers are retried (OptimisticRetry); Marten logs each one as an error.
            ["Logging:LogLevel:Marten"] = "None",
            ["Auth:BootstrapAdminKey"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
            ["Liveness:HeartbeatIntervalSeconds"] = interval.ToString(CultureInfo.InvariantCulture),
            ["Notification:Webhook:Url"] = receiver + "/alerts",
            ["Notification:Webhook:Secret"] = "bench-secret",
            // Every alert is measured, so none may be folded into a storm digest.
            ["Notification:Rules:StormThreshold"] = "1000000",
        };
        foreach (var build in new Func<string[], Action<WebApplicationBuilder>, WebApplication>[] { IncidentServiceApp.Build, NotificationServiceApp.Build })
        {
            var app = build([], b => b.Configuration.AddInMemoryCollection(settings));
            await app.StartAsync();
            services.apps.Add(app);
        }

        var factory = AmqpConnectionProvider.CreateFactory(new RabbitMqOptions { Uri = sandbox.AmqpUri }, "posops-bench-fleet-tap");
        services.connection = await factory.CreateConnectionAsync();
        await services.TapAsync(services.connection);
        return services;
    }

    /// <summary>The registry: every terminal with its key, written once in batches before the fleet starts.</summary>
    public async Task RegisterAsync(int terminals)
    {
        var store = IncidentService.Services.GetRequiredService<IDocumentStore>();
        var now = DateTimeOffset.UtcNow;
        foreach (var chunk in Enumerable.Range(0, terminals).Chunk(5000))
        {
            await store.BulkInsertAsync(chunk.Select(d => new DeviceRegistration(SimulatedFleet.Id(d), SimulatedFleet.Store(d), "PX-7 Bench", "BENCH" + d, null,
                Convert.ToBase64String(AgentSignature.DeriveDeviceKey(SimulatedFleet.FleetSecret, SimulatedFleet.Id(d))), now)).ToList(), BulkInsertMode.OverwriteExisting);
        }
    }

    public static long Now() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10;

    private async Task<string> StartReceiverAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/alerts", async (HttpRequest request) =>
        {
            var at = Now();
            using var body = await JsonDocument.ParseAsync(request.Body);
            var root = body.RootElement;
            var key = (Text(root, "deviceId"), Text(root, "kind"), Text(root, "faultCode"));
            Webhooks.GetOrAdd(key, _ => new ConcurrentQueue<long>()).Enqueue(at);
            return Results.Ok();
        });
        await app.StartAsync();
        apps.Add(app);
        return app.Urls.First();
    }

    private async Task TapAsync(IConnection amqp)
    {
        var channel = await amqp.CreateChannelAsync();
        await IncidentEventsWire.DeclareAsync(channel, default);
        var queue = (await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, WireNames.IncidentEventsExchange, "#");
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, ea) =>
        {
            var at = Now();
            if (ea.BasicProperties.Type == "incident-opened")
            {
                using var body = JsonDocument.Parse(ea.Body);
                Opened.GetOrAdd((Text(body.RootElement, "deviceId"), Text(body.RootElement, "faultCode")), _ => new ConcurrentQueue<long>()).Enqueue(at);
            }

            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
    }

    private static string Text(JsonElement root, string name) => root.TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";

    public async ValueTask DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(apps))
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }
}
