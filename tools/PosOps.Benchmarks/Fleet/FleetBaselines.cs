using System.Collections.Concurrent;
using System.Diagnostics;
using Marten;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace PosOps.Benchmarks.Fleet;

/// <summary>The same run's baselines: what the broker and Marten do without PosOps in between.</summary>
public static class FleetBaselines
{
    private sealed record BenchAppended(string Id, int N);

    /// <summary>
    /// Raw RabbitMQ.Client at a heartbeat-like load: transient 400-byte messages published with confirms
    /// on 4 channels at <paramref name="rate"/>/s into a classic queue, consumed with manual acks (one
    /// multiple-ack per 500). Returns messages/s consumed and the publish → consume latency percentiles (ms).
    /// </summary>
    public static async Task<(double Rate, double P50, double P99)> RawAsync(string amqp, double rate, TimeSpan duration)
    {
        var factory = AmqpConnectionProvider.CreateFactory(new RabbitMqOptions { Uri = amqp }, "posops-bench-fleet-raw");
        await using var connection = await factory.CreateConnectionAsync();
        await using var consume = await connection.CreateChannelAsync();
        var queue = "bench.fleet.raw." + Guid.NewGuid().ToString("N")[..6];
        await consume.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
        await consume.BasicQosAsync(0, 1000, false);
        var latencies = new ConcurrentBag<double>();
        var consumed = 0L;
        var consumer = new AsyncEventingBasicConsumer(consume);
        consumer.ReceivedAsync += async (_, ea) =>
        {
            latencies.Add(Stopwatch.GetElapsedTime(BitConverter.ToInt64(ea.Body.Span[..8])).TotalMilliseconds);
            if (Interlocked.Increment(ref consumed) % 500 == 0)
            {
                await consume.BasicAckAsync(ea.DeliveryTag, multiple: true);
            }
        };
        await consume.BasicConsumeAsync(queue, autoAck: false, consumer);

        var lanes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true))));
        var clock = Stopwatch.StartNew();
        var total = (int)(rate * duration.TotalSeconds);
        await Task.WhenAll(lanes.Select(async (lane, n) =>
        {
            var body = new byte[400];
            for (var i = n; i < total; i += lanes.Length)
            {
                var due = TimeSpan.FromSeconds(i / rate) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }

                BitConverter.TryWriteBytes(body, Stopwatch.GetTimestamp());
                await lane.BasicPublishAsync(string.Empty, queue, mandatory: false, new BasicProperties(), body);
            }
        }));
        var deadline = Stopwatch.StartNew();
        while (Interlocked.Read(ref consumed) < total && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(20);
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        await consume.QueueDeleteAsync(queue);
        foreach (var lane in lanes)
        {
            await lane.DisposeAsync();
        }

        var sorted = latencies.Order().ToList();
        return (Interlocked.Read(ref consumed) / elapsed, Percentile(sorted, 0.5), Percentile(sorted, 0.99));
    }

    /// <summary>Marten appends, 500 per commit, in a schema of their own on the benchmark's database: events/s.</summary>
    public static async Task<double> MartenBatchedAsync(string postgres, int events = 20_000)
    {
        using var store = DocumentStore.For(options =>
        {
            options.Connection(postgres);
            options.DatabaseSchemaName = "bench_baseline";
            options.Events.StreamIdentity = JasperFx.Events.StreamIdentity.AsString; // as PosOps keys its streams
            options.Events.AddEventType<BenchAppended>();
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var clock = Stopwatch.StartNew();
        for (var done = 0; done < events; done += 500)
        {
            await using var session = store.LightweightSession();
            for (var i = done; i < done + 500; i++)
            {
                session.Events.StartStream("bench-" + i, new BenchAppended("bench-" + i, i));
            }

            await session.SaveChangesAsync();
        }

        return events / clock.Elapsed.TotalSeconds;
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
