using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using PosOps.Contracts;
using PosOps.Contracts.Incidents;
using PosOps.NotificationService;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace PosOps.Benchmarks;

/// <summary>
/// Integration event → webhook latency: IncidentOpened published raw at a fixed rate to a
/// NotificationService hosted here (own database and vhost on the running servers), received by a
/// loopback webhook receiver. Baseline in the same run: raw AMQP publish → consume at the same rate.
/// Loopback only, bounded, stops by itself, drops its database and vhost.
///   dotnet run -c Release --project tools/PosOps.Benchmarks -- notify [perSecond=100] [seconds=30]
/// </summary>
public static class NotifyBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var rate = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30;
        var count = rate * seconds;
        await using var sandbox = await BenchmarkSandbox.CreateAsync();
        var (amqp, name, benchAmqp, benchPostgres) = (sandbox.Amqp, sandbox.Name, sandbox.AmqpUri, sandbox.PostgresConnectionString);
        Console.WriteLine($"notify benchmark: {count} integration events (IncidentOpened, then its IncidentResolved) at {rate}/s, RabbitMQ {amqp.Host}:{amqp.Port} vhost {name}, PostgreSQL database {name}");
        var factory = AmqpConnectionProvider.CreateFactory(new RabbitMqOptions { Uri = benchAmqp }, "posops-bench-notify");
        await using var connection = await factory.CreateConnectionAsync();

        var baseline = await RawRoundTripAsync(connection, rate, Math.Min(seconds, 10));
        Console.WriteLine($"baseline raw AMQP publish → consume (persistent, confirmed, quorum queue), {baseline.Count} msgs: {Summary(baseline)}");

        var received = new ConcurrentDictionary<Guid, long>();
        await using var receiver = await StartReceiverAsync(received);
        var service = NotificationServiceApp.Build([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = benchPostgres,
            ["RabbitMq:Uri"] = benchAmqp,
            ["Notification:Webhook:Url"] = receiver.Urls.First() + "/alerts",
            ["Notification:Webhook:Secret"] = "bench-secret",
            ["Notification:Rules:StormThreshold"] = "1000000",
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await service.StartAsync();
        try
        {
            var published = new ConcurrentDictionary<Guid, long>();
            await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));

            // Warm-up (JIT, connection pools), not measured.
            await PublishAtRateAsync(channel, rate, rate * 2, published);
            var warm = Stopwatch.StartNew();
            while (received.Count < rate * 2 && warm.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }

            published.Clear();
            received.Clear();
            var clock = Stopwatch.StartNew();
            await PublishAtRateAsync(channel, rate, count, published);
            var publishRate = count / clock.Elapsed.TotalSeconds;
            var deadline = Stopwatch.StartNew();
            while (received.Count < count && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(100);
            }

            var latencies = received.Where(r => published.ContainsKey(r.Key)).Select(r => Stopwatch.GetElapsedTime(published[r.Key], r.Value).TotalMilliseconds).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"published {count} at {publishRate:0.0}/s; webhook received {received.Count}"));
            Console.WriteLine($"integration event → webhook (NotificationService: consume, route, delivery log, worker, signed POST): {Summary(latencies)}");
            Console.WriteLine($"  openings: {Summary(Of(received, published, later: false))}");
            Console.WriteLine($"  later transitions (resolved right after its opening): {Summary(Of(received, published, later: true))}");
            var p50 = Percentile(latencies, 0.5);
            var p99 = Percentile(latencies, 0.99);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"overhead over raw AMQP: p50 +{p50 - Percentile(baseline, 0.5):0.0} ms, p99 +{p99 - Percentile(baseline, 0.99):0.0} ms"));
            return received.Count == count ? 0 : 1;
        }
        finally
        {
            await service.StopAsync();
            await service.DisposeAsync();
        }
    }

    private static List<double> Of(ConcurrentDictionary<Guid, long> received, ConcurrentDictionary<Guid, long> published, bool later) =>
        [.. received.Where(r => published.ContainsKey(r.Key) && Later.ContainsKey(r.Key) == later).Select(r => Stopwatch.GetElapsedTime(published[r.Key], r.Value).TotalMilliseconds)];

    private static async Task PublishAtRateAsync(IChannel channel, int rate, int count, ConcurrentDictionary<Guid, long> published)
    {
        var clock = Stopwatch.StartNew();
        IncidentOpened? lastOpened = null;
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            // Even messages open an incident, odd ones resolve the one just opened: a later transition,
            // which used to wait out the order grace (300 ms) and now goes as soon as its opening has.
            var device = $"S{i / 2 % 500:000}-T{i / 2:000000}";
            IIntegrationEvent message = i % 2 == 0
                ? lastOpened = new IncidentOpened(Guid.CreateVersion7(), Guid.CreateVersion7(), device, device[..4], "network", "WIFI_DOWN", Severity.Blocking, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)
                : new IncidentResolved(Guid.CreateVersion7(), lastOpened!.IncidentId, device, device[..4], "WIFI_DOWN", "fault cleared by the device", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
            if (i % 2 == 1)
            {
                Later[message.EventId] = true;
            }

            published[message.EventId] = Stopwatch.GetTimestamp();
            await channel.BasicPublishAsync(WireNames.IncidentEventsExchange, IncidentEventsWire.RoutingKey(message), mandatory: true,
                IncidentEventsWire.Properties(message, null, null), IncidentEventsWire.Body(message));
        }
    }

    /// <summary>Event ids of the later transitions (resolutions) published.</summary>
    private static readonly ConcurrentDictionary<Guid, bool> Later = new();

    private static async Task<List<double>> RawRoundTripAsync(IConnection connection, int rate, int seconds)
    {
        const string queue = "bench.notify.baseline";
        await using var consume = await connection.CreateChannelAsync();
        await consume.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        await consume.BasicQosAsync(0, 100, false);
        var latencies = new ConcurrentBag<double>();
        var consumer = new AsyncEventingBasicConsumer(consume);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            var sent = long.Parse(Encoding.UTF8.GetString(delivery.Body.Span), CultureInfo.InvariantCulture);
            latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            await consume.BasicAckAsync(delivery.DeliveryTag, false);
        };
        await consume.BasicConsumeAsync(queue, autoAck: false, consumer);
        await using var publish = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var count = rate * seconds;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            await publish.BasicPublishAsync("", queue, mandatory: true, new BasicProperties { Persistent = true },
                Encoding.UTF8.GetBytes(Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture)));
        }

        var deadline = Stopwatch.StartNew();
        while (latencies.Count < count && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        await consume.QueueDeleteAsync(queue);
        return [.. latencies];
    }

    private static async Task<WebApplication> StartReceiverAsync(ConcurrentDictionary<Guid, long> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/alerts", (HttpRequest request) =>
        {
            var now = Stopwatch.GetTimestamp();
            if (Guid.TryParse(request.Headers["X-PosOps-Event-Id"], out var eventId))
            {
                received.TryAdd(eventId, now);
            }

            return Results.Ok();
        });
        await app.StartAsync();
        return app;
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static string Summary(List<double> values) => string.Create(CultureInfo.InvariantCulture,
        $"p50 {Percentile(values, 0.5):0.0} ms, p99 {Percentile(values, 0.99):0.0} ms, max {(values.Count > 0 ? values.Max() : double.NaN):0.0} ms");
}
