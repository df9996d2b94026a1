using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using PosOps.ServiceDefaults.Messaging;
using PosOps.TerminalAgent.Outbox;
using PosOps.TerminalAgent.Trust;
using RabbitMQ.Client;

// Agent outbox throughput against raw RabbitMQ.Client in the same run (ratios, not absolute targets:
// the machines are shared and noisy). Loopback only, bounded, stops by itself, cleans up its vhost.
//   dotnet run -c Release --project tools/PosOps.Benchmarks -- outbox [messages=20000] [devices=100]
var mode = args.FirstOrDefault() ?? "outbox";
if (mode == PosOps.Benchmarks.Fleet.FleetAgents.Mode) { return await PosOps.Benchmarks.Fleet.FleetAgents.RunAsync(args); }
if (mode == "fleet") { return await PosOps.Benchmarks.Fleet.FleetBenchmark.RunAsync(args[1..]); }
if (mode == "notify") { return await PosOps.Benchmarks.NotifyBenchmark.RunAsync(args); }
if (mode == "incidents") { return await PosOps.Benchmarks.IncidentLatencyBenchmark.RunAsync(args[1..]); }
if (mode == "replay")
{
    return await PosOps.Benchmarks.ReplayBenchmark.RunAsync(args);
}
if (mode != "outbox")
{
    Console.Error.WriteLine("usage: PosOps.Benchmarks outbox [messages] [devices] | notify [rate] [seconds] | incidents [terminals] [silent] [faults] [faultsPerSecond] [intervalSeconds] | " + PosOps.Benchmarks.Fleet.FleetBenchmark.Usage);
    return 2;
}

var messages = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
var devices = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
var amqp = new Uri(Environment.GetEnvironmentVariable("POSOPS_RABBITMQ") ?? "amqp://posops:posops@127.0.0.1:27672/");
var management = new Uri(Environment.GetEnvironmentVariable("POSOPS_RABBITMQ_MANAGEMENT") ?? "http://127.0.0.1:27673");
var vhost = "posops-bench-" + Guid.NewGuid().ToString("N")[..6];
using var http = new HttpClient { BaseAddress = management };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(amqp.UserInfo))));
(await http.PutAsync($"/api/vhosts/{vhost}", null)).EnsureSuccessStatusCode();
(await http.PutAsJsonAsync($"/api/permissions/{vhost}/{amqp.UserInfo.Split(':')[0]}", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
var benchUri = new UriBuilder(amqp) { Path = "/" + vhost }.Uri.ToString();
var store = Path.Combine(Path.GetTempPath(), $"posops-bench-{Guid.NewGuid():N}.db");
try
{
    Console.WriteLine($"outbox benchmark: {messages} fault messages over {devices} devices, RabbitMQ {amqp.Host}:{amqp.Port} vhost {vhost}");
    var factory = AmqpConnectionProvider.CreateFactory(new RabbitMqOptions { Uri = benchUri }, "posops-bench");
    await using var connection = await factory.CreateConnectionAsync();
    await using (var setup = await connection.CreateChannelAsync())
    {
        await AgentExchanges.DeclareAsync(setup, default);
        await setup.QueueDeclareAsync("bench.faults", durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        await setup.QueueBindAsync("bench.faults", WireNames.FaultExchange, "#");
    }

    var sample = JsonSerializer.SerializeToUtf8Bytes(Fault("S01-T001", 1), WireJson.Options);
    Console.WriteLine($"body size {sample.Length} bytes (persistent, publisher confirms, quorum queue)");

    // Baseline 1: raw client, one confirm awaited per message (what strict per-device order costs on one channel).
    var sequential = await RawAsync(connection, sample, messages, lanes: 1);
    // Baseline 2: raw client, four channels in parallel (the outbox publisher's lane count).
    var parallel = await RawAsync(connection, sample, messages, lanes: 4);
    Console.WriteLine($"raw RabbitMQ.Client, 1 channel:  {sequential:0} msg/s");
    Console.WriteLine($"raw RabbitMQ.Client, 4 channels: {parallel:0} msg/s");

    var storeOptions = Options.Create(new AgentStoreOptions { Path = store, MaxOutboxMessages = messages * 2, PublishBatchSize = 500 });
    await using var agentStore = new AgentStore(storeOptions);
    var outbox = new AgentOutbox(agentStore, new DerivedDeviceKeys("bench"), storeOptions, TimeProvider.System);
    var enqueue = Stopwatch.StartNew();
    for (var done = 0; done < messages; done += 500)
    {
        var batch = Enumerable.Range(done, Math.Min(500, messages - done))
            .Select(i => new Outgoing($"S{i % devices:000}-T001", seq => Fault($"S{i % devices:000}-T001", seq)))
            .ToList();
        await outbox.EnqueueAsync(batch, default);
    }

    var enqueueRate = messages / enqueue.Elapsed.TotalSeconds;
    Console.WriteLine($"outbox enqueue (SQLite WAL, synchronous=FULL, 500 per transaction, signed): {enqueueRate:0} msg/s");

    var connections = new AmqpConnectionProvider(Options.Create(new RabbitMqOptions { Uri = benchUri }), new HostingEnvironment { ApplicationName = "posops-bench" });
    using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    var health = new PosOps.ServiceDefaults.Resilience.DependencyHealth(meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), TimeProvider.System);
    var publisher = new OutboxPublisher(outbox, connections, storeOptions, health, Options.Create(new PosOps.ServiceDefaults.Resilience.ResilienceOptions()), NullLogger<OutboxPublisher>.Instance);
    var drain = Stopwatch.StartNew();
    await publisher.StartAsync(default);
    while (await outbox.CountAsync(default) > 0 && drain.Elapsed < TimeSpan.FromMinutes(5))
    {
        await Task.Delay(50);
    }

    var drainRate = messages / drain.Elapsed.TotalSeconds;
    await publisher.StopAsync(default);
    await connections.DisposeAsync();
    Console.WriteLine($"outbox drain to the broker (confirmed, then deleted): {drainRate:0} msg/s");
    Console.WriteLine($"ratio outbox drain / raw 4 channels: {drainRate / parallel:0.00}; outbox drain / raw 1 channel: {drainRate / sequential:0.00}");
    return 0;
}
finally
{
    await http.DeleteAsync($"/api/vhosts/{vhost}");
    foreach (var file in new[] { store, store + "-wal", store + "-shm" })
    {
        File.Delete(file);
    }
}

static FaultReported Fault(string device, long sequence) =>
    new(Guid.CreateVersion7(), device, device[..3], sequence, "printer", "PAPER_OUT", DateTimeOffset.UtcNow, "benchmark");

static async Task<double> RawAsync(IConnection connection, byte[] body, int count, int lanes)
{
    var channels = new List<IChannel>();
    for (var i = 0; i < lanes; i++)
    {
        channels.Add(await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)));
    }

    var watch = Stopwatch.StartNew();
    await Task.WhenAll(channels.Select(async (channel, lane) =>
    {
        for (var i = lane; i < count; i += lanes)
        {
            await channel.BasicPublishAsync(WireNames.FaultExchange, "S01-T001", mandatory: true,
                new BasicProperties { Persistent = true, Type = AgentMessageTypes.FaultReported, ContentType = "application/json" }, body);
        }
    }));
    var rate = count / watch.Elapsed.TotalSeconds;
    foreach (var channel in channels)
    {
        await channel.DisposeAsync();
    }

    return rate;
}
