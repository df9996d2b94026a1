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
public sealed partial class IncidentServiceGauges : BackgroundService
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
    private readonly ILogger<IncidentServiceGauges> logger;
    private readonly ConcurrentDictionary<string, long> incidents = new();
    private readonly ConcurrentDictionary<string, long> queues = new();
    private readonly int partitions;
    private long publisherLag;

    public IncidentServiceGauges(
        IMeterFactory meterFactory, IDocumentStore store, NpgsqlDataSource dataSource, AmqpConnectionProvider connections, IOptions<AgentInboxOptions> inbox,
        TimeProvider clock, ILogger<IncidentServiceGauges> logger)
    {
        ArgumentNullException.ThrowIfNull(inbox);
        partitions = inbox.Value.Partitions;
        ArgumentNullException.ThrowIfNull(meterFactory);
        this.store = store;
        this.dataSource = dataSource;
        this.connections = connections;
        this.clock = clock;
        this.logger = logger;
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
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or IOException or RabbitMQ.Client.Exceptions.RabbitMQClientException or TimeoutException or InvalidOperationException)
            {
                LogSampleFailed(e.Message);
            }
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
                waiting += (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
            }

            queues[label] = waiting;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not sample the IncidentService gauges: {Reason}")]
    private partial void LogSampleFailed(string reason);
}
