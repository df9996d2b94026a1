using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using PosOps.Contracts;
using PosOps.IncidentService.AgentInbox;
using PosOps.IncidentService.Incidents;
using PosOps.ServiceDefaults.Messaging;

namespace PosOps.IncidentService.Observability;

/// <summary>
/// Gauges for /metrics that need a query: incidents by state, messages waiting in the agent queues
/// (consumer lag) and in the error queue, and how far the after-commit publisher trails the event log.
/// Sampled in the background every <see cref="Every"/> so a scrape never waits on the database or broker.
/// (Heartbeats and faults handled, and messages rejected to the error queue, are counters in AgentInbox.)
/// </summary>
public sealed class IncidentServiceGauges : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(10);


    private const string PublisherLagSql = $"""
        select coalesce((select max(seq_id) from {EventStoreSchema.Name}.mt_events), 0)
             - coalesce((select last_seq_id from {EventStoreSchema.Name}.mt_event_progression where name like 'IncidentEventsPublisher%' limit 1), 0)
        """;

    private readonly IDocumentStore store;
    private readonly NpgsqlDataSource dataSource;
    private readonly AmqpConnectionProvider connections;
    private readonly TimeProvider clock;
    private readonly DependencyGuard guard;
    private readonly ConcurrentDictionary<string, long> incidents = new();
    private readonly ConcurrentDictionary<string, long> queues = new();
    private readonly int partitions;
    private long publisherLag;

    public IncidentServiceGauges(
        IMeterFactory meterFactory, IDocumentStore store, NpgsqlDataSource dataSource, AmqpConnectionProvider connections, IOptions<AgentInboxOptions> inbox,
        TimeProvider clock, DependencyGuard guard)
    {
        ArgumentNullException.ThrowIfNull(inbox);
        partitions = inbox.Value.Partitions;
        ArgumentNullException.ThrowIfNull(meterFactory);
        this.store = store;
        this.dataSource = dataSource;
        this.connections = connections;
        this.clock = clock;
        this.guard = guard;
        var meter = meterFactory.Create(InboxMetrics.MeterName);
        meter.CreateObservableGauge("posops.incidents", () => incidents.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>("state", p.Key))),
            description: "Incidents by state (closed ones not counted)");
        meter.CreateObservableGauge("posops.queue.messages", () => queues.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>("queue", p.Key))),
            description: "Messages waiting in the agent queues (consumer lag) and in the agent error queue");
        meter.CreateObservableGauge("posops.publisher.lag", () => Volatile.Read(ref publisherLag),
            unit: "{event}", description: "Committed events the after-commit publisher has not yet processed");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, clock);
        do
        {
            // Marten wraps a lost connection in MartenCommandException: the guard looks inside, waits the outage out.
            await guard.RunAsync("gauges", SampleAsync, stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using (var session = store.QuerySession())
        {
            var states = await session.Query<IncidentView>().Where(v => v.Status != IncidentStatus.Closed).Select(v => v.Status).ToListAsync(cancellationToken);
            foreach (var state in Enum.GetValues<IncidentStatus>().Where(s => s != IncidentStatus.Closed))
            {
                incidents[state.ToString().ToLowerInvariant()] = states.Count(s => s == state);
            }
        }

        await using (var command = dataSource.CreateCommand(PublisherLagSql))
        {
            Volatile.Write(ref publisherLag, Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture));
        }

        // Each family's lag is the sum over its partition queues; the label stays the family's name.
        var connection = await connections.GetAsync(cancellationToken);
        var sampled = AgentTopology.Families.Select(f => (Label: f.Queue, Queues: Enumerable.Range(0, partitions).Select(f.Partition).ToArray()))
            .Append((Label: WireNames.AgentErrorQueue, Queues: [WireNames.AgentErrorQueue]));
        foreach (var (label, names) in sampled)
        {
            long waiting = 0;
            foreach (var queue in names)
            {
                // A passive declare of a missing queue closes the channel: one channel per queue.
                await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                try
                {
                    waiting += (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
                }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
                {
                    // Not declared yet (its consumer is still starting): nothing waits in it.
                }
            }

            queues[label] = waiting;
        }
    }

}
