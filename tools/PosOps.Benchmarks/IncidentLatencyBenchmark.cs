using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using PosOps.IncidentService;
using PosOps.IncidentService.Registry;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace PosOps.Benchmarks;

/// <summary>
/// Issue 3's latency figures: IncidentService hosted in this process on its own database and virtual
/// host, a simulated fleet heartbeating over raw AMQP (signed, as a foreign agent would), then
/// (1) a sample of devices stops beating: last heartbeat → DEVICE_SILENT incident-opened event, against
/// the threshold 3 × interval + grace; (2) printer faults at a steady rate: publish → incident-opened
/// event, next to a raw publish → consume round trip on the same broker in the same run.
/// Loopback only, bounded in count and time, stops by itself and drops what it created.
/// </summary>
public static class IncidentLatencyBenchmark
{
    // The in-process IncidentService's bootstrap admin key for this run only (it binds to loopback).
    private static readonly string BenchmarkKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    private const string FleetSecret = "posops-bench-fleet";
    private const int TerminalsPerStore = 10;
    private const double CheckEverySeconds = 0.2;
    private const int MissedHeartbeats = 3;
    private const double GraceSeconds = 2;

    public const string Usage = "incidents [terminals=1000] [silent=50] [faults=500] [faultsPerSecond=50] [heartbeatIntervalSeconds=1]";

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var terminals = Arg(args, 0, 1000);
        var silentCount = Arg(args, 1, 50);
        var faultCount = Arg(args, 2, 500);
        var faultRate = Arg(args, 3, 50);
        var interval = args.Length > 4 ? double.Parse(args[4], CultureInfo.InvariantCulture) : 1.0;
        var stores = terminals / TerminalsPerStore;
        if (terminals is < 100 or > 20_000 || terminals % TerminalsPerStore != 0 || silentCount < 1 || silentCount > stores
            || faultCount < 1 || faultCount > terminals - silentCount || faultRate is < 1 or > 2000 || interval is < 0.5 or > 15)
        {
            await Console.Error.WriteLineAsync($"usage: PosOps.Benchmarks {Usage}");
            await Console.Error.WriteLineAsync($"terminals 100-20000 in stores of {TerminalsPerStore}; silent 1 to one per store (no store may look like a store outage); faults up to the non-silent terminals; 1-2000 faults/s; interval 0.5-15 s");
            return 2;
        }

        await using var sandbox = await BenchmarkSandbox.CreateAsync();
        var (amqp, name, benchAmqp, benchPostgres) = (sandbox.Amqp, sandbox.Name, sandbox.AmqpUri, sandbox.PostgresConnectionString);

        WebApplication? app = null;
        try
        {
            Console.WriteLine($"incidents benchmark: {terminals} terminals in {stores} stores, heartbeat every {interval} s; RabbitMQ {amqp.Host}:{amqp.Port} vhost {name}, PostgreSQL database {name}");
            app = IncidentServiceApp.Build([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Postgres:ConnectionString"] = benchPostgres,
                ["RabbitMq:Uri"] = benchAmqp,
                ["Urls"] = "http://127.0.0.1:0",
                // Quiet: every silence is a warning, and the figures are what this prints.
                ["Logging:LogLevel:Default"] = "Error",
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Error",
                ["Auth:BootstrapAdminKey"] = BenchmarkKey,

                // A DEVICE_SILENT alert normally waits 30 s for the store correlation (held back if its store is
                // out): measured here without that hold, the release timer polled every 0.2 s.
                ["Incidents:Correlation:AlertHoldSeconds"] = "0",
                ["Incidents:FollowUp:PollSeconds"] = "0.2",
                ["Liveness:HeartbeatIntervalSeconds"] = interval.ToString(CultureInfo.InvariantCulture),
                ["Liveness:MissedHeartbeats"] = MissedHeartbeats.ToString(CultureInfo.InvariantCulture),
                ["Liveness:GraceSeconds"] = GraceSeconds.ToString(CultureInfo.InvariantCulture),
                ["Liveness:CheckEverySeconds"] = CheckEverySeconds.ToString(CultureInfo.InvariantCulture),
            }));
            await app.StartAsync();
            using var api = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            api.DefaultRequestHeaders.Add("X-Api-Key", BenchmarkKey);

            var fleet = new Fleet(terminals);
            await RegisterAsync(app, fleet);

            var factory = AmqpConnectionProvider.CreateFactory(new RabbitMqOptions { Uri = benchAmqp }, "posops-bench");
            await using var connection = await factory.CreateConnectionAsync();
            var opened = await ListenForOpenedAsync(connection);

            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            var beating = fleet.HeartbeatAsync(connection, interval, stop.Token);

            var ready = Stopwatch.StartNew();
            while ((await api.GetFromJsonAsync<JsonElement>($"/api/devices?limit={terminals + 10}")).GetArrayLength() < terminals)
            {
                if (ready.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException("the fleet's first heartbeats did not all arrive within 60 s");
                }

                await Task.Delay(200);
            }

            Console.WriteLine($"all {terminals} terminals seen after {ready.Elapsed.TotalSeconds:0.0} s; settling for {3 * interval} s");
            await Task.Delay(TimeSpan.FromSeconds(3 * interval));

            await MeasureSilenceAsync(api, fleet, opened, silentCount, stores, interval);
            await MeasureFaultsAsync(api, connection, fleet, opened, faultCount, faultRate);

            await stop.CancelAsync();
            await beating;
            return 0;
        }
        finally
        {
            if (app is not null)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
    }

    private static async Task MeasureSilenceAsync(HttpClient api, Fleet fleet, ConcurrentDictionary<(string Device, string Code), long> opened, int count, int stores, double interval)
    {
        // One terminal each in `count` stores spread over the fleet: far below the platform-outage share,
        // and never most of a store, so no outage correlation holds an alert back.
        var sample = Enumerable.Range(0, count).Select(k => (k * stores / count * TerminalsPerStore) + (k % TerminalsPerStore)).ToList();
        foreach (var device in sample)
        {
            fleet.Silence(device);
        }

        var threshold = (MissedHeartbeats * interval) + GraceSeconds;
        var deadline = Stopwatch.StartNew();
        while (sample.Any(d => !opened.ContainsKey((fleet.Id(d), "DEVICE_SILENT"))) && deadline.Elapsed < TimeSpan.FromSeconds(threshold + 30))
        {
            await Task.Delay(50);
        }

        var latencies = sample.Where(d => opened.ContainsKey((fleet.Id(d), "DEVICE_SILENT")))
            .Select(d => Stopwatch.GetElapsedTime(fleet.LastBeat(d), opened[(fleet.Id(d), "DEVICE_SILENT")]).TotalSeconds)
            .Order().ToList();
        var wrong = opened.Keys.Count(k => k.Code == "DEVICE_SILENT" && !sample.Any(d => fleet.Id(d) == k.Device));

        // The same from the service's own clock: last heartbeat received → incident recorded (no publishing in between).
        var lastSeen = (await api.GetFromJsonAsync<JsonElement>($"/api/devices?limit={fleet.Count + 10}")).EnumerateArray()
            .ToDictionary(d => d.GetProperty("deviceId").GetString()!, d => d.GetProperty("lastSeenAt").GetDateTimeOffset());
        var recorded = (await api.GetFromJsonAsync<JsonElement>("/api/incidents?limit=1000")).EnumerateArray()
            .Where(i => i.GetProperty("faultCode").GetString() == "DEVICE_SILENT")
            .Select(i => (i.GetProperty("recordedAt").GetDateTimeOffset() - lastSeen[i.GetProperty("deviceId").GetString()!]).TotalSeconds)
            .Order().ToList();
        Console.WriteLine();
        Console.WriteLine($"(1) silent detection: {count} terminals stop beating (one per store in {count} of {stores} stores)");
        Console.WriteLine($"    threshold {MissedHeartbeats} x {interval} s + {GraceSeconds} s = {threshold:0.0} s, silence checked every {CheckEverySeconds} s");
        Console.WriteLine($"    last heartbeat (publish confirmed) -> DEVICE_SILENT incident-opened event received: detected {latencies.Count}/{count}, "
            + $"p50 {Percentile(latencies, 50):0.00} s, p99 {Percentile(latencies, 99):0.00} s, min {latencies.FirstOrDefault():0.00} s, max {latencies.LastOrDefault():0.00} s; "
            + $"p50 over threshold {Percentile(latencies, 50) - threshold:+0.00;-0.00} s; silences raised for beating terminals: {wrong}");
        Console.WriteLine($"    server side, last heartbeat received -> incident recorded (API): p50 {Percentile(recorded, 50):0.00} s, p99 {Percentile(recorded, 99):0.00} s");
    }

    private static async Task MeasureFaultsAsync(HttpClient api, IConnection connection, Fleet fleet, ConcurrentDictionary<(string Device, string Code), long> opened, int count, int rate)
    {
        var baseline = await RoundTripAsync(connection, count, rate);

        // Terminal 0 of every store, then terminal 1, ...: printer faults, which no outage correlation holds back.
        var targets = Enumerable.Range(0, fleet.Count).Where(d => !fleet.IsSilent(d))
            .OrderBy(d => d % TerminalsPerStore).ThenBy(d => d).Take(count).ToList();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var sent = new long[fleet.Count];
        var sentAt = new DateTimeOffset[fleet.Count];
        var pace = Stopwatch.StartNew();
        for (var k = 0; k < targets.Count; k++)
        {
            var wait = TimeSpan.FromSeconds((double)k / rate) - pace.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var device = targets[k];
            sent[device] = Stopwatch.GetTimestamp();
            sentAt[device] = DateTimeOffset.UtcNow;
            await fleet.PublishFaultAsync(channel, device);
        }

        var deadline = Stopwatch.StartNew();
        while (targets.Any(d => !opened.ContainsKey((fleet.Id(d), "PAPER_OUT"))) && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }

        var latencies = targets.Where(d => opened.ContainsKey((fleet.Id(d), "PAPER_OUT")))
            .Select(d => Stopwatch.GetElapsedTime(sent[d], opened[(fleet.Id(d), "PAPER_OUT")]).TotalMilliseconds)
            .Order().ToList();
        // Where the time goes: the incident's recorded-at (same machine clock) splits it into consume + commit and after-commit publishing.
        var index = targets.ToDictionary(fleet.Id);
        var committed = (await api.GetFromJsonAsync<JsonElement>("/api/incidents?limit=1000")).EnumerateArray()
            .Where(i => i.GetProperty("faultCode").GetString() == "PAPER_OUT" && index.ContainsKey(i.GetProperty("deviceId").GetString()!))
            .Select(i => (i.GetProperty("recordedAt").GetDateTimeOffset() - sentAt[index[i.GetProperty("deviceId").GetString()!]]).TotalMilliseconds)
            .Order().ToList();
        Console.WriteLine();
        Console.WriteLine($"(2) fault -> incident: {count} PAPER_OUT faults at {rate}/s while the fleet keeps beating");
        Console.WriteLine($"    baseline, raw publish -> consume on the same broker (quorum queue, persistent, confirms, same rate): p50 {Percentile(baseline, 50):0.0} ms, p99 {Percentile(baseline, 99):0.0} ms");
        Console.WriteLine($"    fault publish -> incident-opened event received (consume, verify, decide, commit, after-commit publish): opened {latencies.Count}/{count}, "
            + $"p50 {Percentile(latencies, 50):0.0} ms, p99 {Percentile(latencies, 99):0.0} ms, max {latencies.LastOrDefault():0.0} ms");
        Console.WriteLine($"    of which fault publish -> incident committed (its recorded-at, API): p50 {Percentile(committed, 50):0.0} ms, p99 {Percentile(committed, 99):0.0} ms");
    }

    /// <summary>The broker's own share: a persistent message through a quorum queue to a consumer in this process.</summary>
    private static async Task<List<double>> RoundTripAsync(IConnection connection, int count, int rate)
    {
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var queue = "bench.round-trip." + Guid.NewGuid().ToString("N")[..6];
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        var received = new ConcurrentDictionary<int, long>();
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, ea) =>
        {
            received[int.Parse(ea.BasicProperties.MessageId!, CultureInfo.InvariantCulture)] = Stopwatch.GetTimestamp();
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);

        var sample = JsonSerializer.SerializeToUtf8Bytes(new FaultReported(Guid.CreateVersion7(), "S000-T00", "S000", 1, "printer", "PAPER_OUT", DateTimeOffset.UtcNow, "benchmark"), WireJson.Options);
        var sent = new long[count];
        var pace = Stopwatch.StartNew();
        for (var k = 0; k < count; k++)
        {
            var wait = TimeSpan.FromSeconds((double)k / rate) - pace.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            sent[k] = Stopwatch.GetTimestamp();
            await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, new BasicProperties { Persistent = true, MessageId = k.ToString(CultureInfo.InvariantCulture) }, sample);
        }

        var deadline = Stopwatch.StartNew();
        while (received.Count < count && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }

        await channel.QueueDeleteAsync(queue);
        return [.. received.Select(r => Stopwatch.GetElapsedTime(sent[r.Key], r.Value).TotalMilliseconds).Order()];
    }

    /// <summary>A test queue on the integration-event exchange: when each (device, fault) incident-opened event arrived.</summary>
    private static async Task<ConcurrentDictionary<(string Device, string Code), long>> ListenForOpenedAsync(IConnection connection)
    {
        var opened = new ConcurrentDictionary<(string Device, string Code), long>();
        var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(WireNames.IncidentEventsExchange, ExchangeType.Topic, durable: true, autoDelete: false);
        var queue = (await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, WireNames.IncidentEventsExchange, "#");
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, ea) =>
        {
            var now = Stopwatch.GetTimestamp();
            if (ea.BasicProperties.Type != "incident-opened")
            {
                return Task.CompletedTask;
            }

            using var body = JsonDocument.Parse(ea.Body);
            var device = body.RootElement.GetProperty("deviceId").GetString()!;
            var code = body.RootElement.GetProperty("faultCode").GetString()!;
            opened.TryAdd((device, code), now);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        return opened;
    }

    private static async Task RegisterAsync(WebApplication app, Fleet fleet)
    {
        await using var session = app.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        for (var d = 0; d < fleet.Count; d++)
        {
            session.Store(new DeviceRegistration(fleet.Id(d), fleet.Store(d), "PX-7 Bench", "BENCH" + fleet.Id(d), null,
                Convert.ToBase64String(AgentSignature.DeriveDeviceKey(FleetSecret, fleet.Id(d))), DateTimeOffset.UtcNow));
        }

        await session.SaveChangesAsync();
    }

    private static double Percentile(List<double> sorted, int p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static int Arg(string[] args, int index, int fallback) =>
        args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

    /// <summary>The simulated terminals: ids, one sequence per device across all its messages, signing, what each reports.</summary>
    private sealed class Fleet(int count)
    {
        private const int Slices = 10;
        private readonly long[] sequences = new long[count];
        private readonly long[] lastBeat = new long[count];
        private readonly bool[] silent = new bool[count];
        private readonly bool[] faulted = new bool[count];
        private readonly byte[][] keys = [.. Enumerable.Range(0, count).Select(d => AgentSignature.DeriveDeviceKey(FleetSecret, $"S{d / TerminalsPerStore:000}-T{d % TerminalsPerStore:00}"))];

        public int Count => count;

        public string Id(int d) => $"{Store(d)}-T{d % TerminalsPerStore:00}";

        public string Store(int d) => $"S{d / TerminalsPerStore:000}";

        public long LastBeat(int d) => Volatile.Read(ref lastBeat[d]);

        public bool IsSilent(int d) => Volatile.Read(ref silent[d]);

        public void Silence(int d) => Volatile.Write(ref silent[d], true);

        /// <summary>Every terminal beats once per interval, spread over the interval in slices as a real fleet is.</summary>
        public async Task HeartbeatAsync(IConnection connection, double interval, CancellationToken cancellationToken)
        {
            await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            await AgentExchanges.DeclareAsync(channel, cancellationToken);
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(interval / Slices));
            try
            {
                for (var slice = 0; await timer.WaitForNextTickAsync(cancellationToken); slice = (slice + 1) % Slices)
                {
                    var due = Enumerable.Range(0, count).Where(d => d % Slices == slice && !IsSilent(d)).ToList();
                    await Task.WhenAll(due.Select(async d =>
                    {
                        await PublishAsync(channel, d, Heartbeat(d), persistent: false, cancellationToken);
                        Volatile.Write(ref lastBeat[d], Stopwatch.GetTimestamp());
                    }));
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The run is over.
            }
        }

        public async Task PublishFaultAsync(IChannel channel, int d)
        {
            var sequence = Interlocked.Increment(ref sequences[d]);
            await PublishAsync(channel, d, new FaultReported(Guid.CreateVersion7(), Id(d), Store(d), sequence, "printer", "PAPER_OUT", DateTimeOffset.UtcNow, "benchmark"), persistent: true, default);

            // From now on its heartbeats show the fault too, as a real terminal's would (no reconciliation resolves it).
            Volatile.Write(ref faulted[d], true);
        }

        private Heartbeat Heartbeat(int d) =>
            new(Guid.CreateVersion7(), Id(d), Store(d), Interlocked.Increment(ref sequences[d]),
                [
                    new ComponentHealth("display", ComponentStatus.Ok),
                    Volatile.Read(ref faulted[d]) ? new ComponentHealth("printer", ComponentStatus.Faulted, "PAPER_OUT") : new ComponentHealth("printer", ComponentStatus.Ok),
                ],
                new NetworkState("wifi", 64), "4.2.0", "android-12", 0, DateTimeOffset.UtcNow);

        private async Task PublishAsync(IChannel channel, int d, IAgentMessage message, bool persistent, CancellationToken cancellationToken)
        {
            var type = AgentExchanges.TypeOf(message);
            var body = JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), WireJson.Options);
            var properties = new BasicProperties
            {
                Type = type,
                MessageId = message.MessageId.ToString(),
                ContentType = "application/json",
                Persistent = persistent,
                Headers = new Dictionary<string, object?> { [WireNames.SignatureHeader] = AgentSignature.Sign(keys[d], Id(d), message.Sequence, body) },
            };
            await channel.BasicPublishAsync(AgentExchanges.For(type), Id(d), mandatory: persistent, properties, body, cancellationToken);
        }
    }
}
