using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PosOps.ServiceDefaults.Messaging;

namespace PosOps.IncidentService.AgentInbox;

/// <summary>
/// Runs one agent queue family: retires queues of an older layout first, then consumes every partition,
/// a batch at a time through <see cref="AgentBatchProcessor"/>, each partition in its own loop that waits
/// out an outage and reconnects. Raw RabbitMQ.Client, not MassTransit, because batching and one
/// multiple-ack per batch are what keep heartbeat ingestion ahead of a large fleet.
/// </summary>
public sealed partial class AgentQueueConsumer : BackgroundService
{
    /// <summary>How long the partitions wait for a pre-partition queue to drain before they start anyway.</summary>
    private static readonly TimeSpan LegacyHeadStart = TimeSpan.FromSeconds(30);

    /// <summary>How long a new subscription waits for a first delivery before the loop counts as working again.</summary>
    private static readonly TimeSpan IdleProof = TimeSpan.FromSeconds(1);

    private readonly AgentQueueFamily family;
    private readonly AgentInboxOptions settings;
    private readonly AmqpConnectionProvider connections;
    private readonly DependencyGuard guard;
    private readonly AgentBatchProcessor processor;
    private readonly AgentQueueRetirement retirement;
    private readonly ILogger<AgentQueueConsumer> logger;

    public AgentQueueConsumer(
        IAgentBatchHandler handler, AmqpConnectionProvider connections, IOptions<AgentInboxOptions> options, MessageTrust trust, InboxMetrics metrics,
        DependencyGuard guard, ILogger<AgentQueueConsumer> logger)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(options);
        (family, settings, this.connections, this.guard, this.logger) = (AgentTopology.FamilyOf(handler.Queue), options.Value, connections, guard, logger);
        processor = new AgentBatchProcessor(handler, settings, trust, metrics, new PoisonMessages(handler.Queue, metrics, logger), logger);
        retirement = new AgentQueueRetirement(family, settings, connections, processor, guard, logger);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Queues the broker may still have from before: the family's single queue from before partitioning,
        // and partitions beyond the configured count. Their messages are older than anything in the
        // partitions, so they go first (up to a head start), then those queues are removed.
        var retiring = AgentLoops.KeepTryingAsync(guard, family.Queue, retirement.RetireAsync, stoppingToken);
        await Task.WhenAny(retiring, Task.Delay(LegacyHeadStart, stoppingToken));
        await Task.WhenAll([retiring, .. Enumerable.Range(0, settings.Partitions)
            .Select(n => AgentLoops.KeepTryingAsync(guard, family.Partition(n), ct => ConsumeAsync(family.Partition(n), ct), stoppingToken))]);
    }

    /// <summary>Consumes one partition until the service stops; throws when the channel closes (the caller reconnects).</summary>
    private async Task ConsumeAsync(string queue, CancellationToken stoppingToken)
    {
        await using var channel = await AgentTopology.OpenConsumerChannelAsync(connections, family, settings, stoppingToken);
        var inbox = await QueueSubscription.SubscribeAsync(channel, queue, stoppingToken);
        LogConsuming(queue);

        var batch = new List<QueueDelivery>(settings.BatchSize);
        var working = false;
        while (await NextAsync(inbox, queue, working, stoppingToken))
        {
            batch.Clear();
            await processor.FillAsync(inbox, batch, stoppingToken);
            await processor.ProcessAsync(channel, queue, batch, stoppingToken);
            if (!working)
            {
                guard.Recovered(AgentLoops.Name(queue));
                working = true;
            }
        }

        throw new DependencyUnavailableException(DependencyFailure.RabbitMq, $"the channel for {queue} closed");
    }

    /// <summary>
    /// Waits for the next delivery. The loop counts as working again once a batch committed or the queue
    /// stayed idle for a moment: a new subscription alone proves only that the broker is back.
    /// </summary>
    private async Task<bool> NextAsync(ChannelReader<QueueDelivery> reader, string queue, bool working, CancellationToken stoppingToken)
    {
        if (working)
        {
            return await reader.WaitToReadAsync(stoppingToken);
        }

        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        idle.CancelAfter(IdleProof);
        try
        {
            return await reader.WaitToReadAsync(idle.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            guard.Recovered(AgentLoops.Name(queue));
            return await reader.WaitToReadAsync(stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Queue}")]
    private partial void LogConsuming(string queue);
}

/// <summary>The agent inbox's loops: one per queue, named for it, waiting out outages under the dependency guard.</summary>
internal static class AgentLoops
{
    public static string Name(string queue) => "agent-inbox " + queue;

    /// <summary>Runs the work until it returns or the service stops; an outage is waited out, a bug stops the host.</summary>
    public static async Task KeepTryingAsync(DependencyGuard guard, string queue, Func<CancellationToken, Task> work, CancellationToken stoppingToken)
    {
        try
        {
            await guard.RunAsync(Name(queue), work, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
