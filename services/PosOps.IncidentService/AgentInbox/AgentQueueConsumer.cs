using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PosOps.Contracts;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.AgentInbox;

/// <summary>
/// Raw AMQP consumer for one agent queue. Messages are taken in batches, handed to the handler, and
/// acknowledged only after the handler committed (design principle 3). Bad messages go to the
/// error queue with a reason and the rest of the batch goes on (principle 7).
/// Raw RabbitMQ.Client is used here, not MassTransit, because batching and one multiple-ack per
/// batch are what keep heartbeat ingestion ahead of a large fleet.
/// </summary>
public sealed partial class AgentQueueConsumer(
    IAgentBatchHandler handler,
    AmqpConnectionProvider connections,
    IOptions<AgentInboxOptions> options,
    MessageTrust trust,
    InboxMetrics metrics,
    DependencyGuard guard,
    ILogger<AgentQueueConsumer> logger) : BackgroundService
{
    private readonly AgentInboxOptions settings = options.Value;

    private sealed record Delivery(ulong Tag, byte[] Body, string? Type, string? MessageId, string? Signature, string? TraceParent);

    /// <summary>How long the partitions wait for a pre-partition queue to drain before they start anyway.</summary>
    private static readonly TimeSpan LegacyHeadStart = TimeSpan.FromSeconds(30);

    /// <summary>How long a draining queue stays quiet before it is checked for being empty.</summary>
    private static readonly TimeSpan DrainIdle = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var family = AgentTopology.FamilyOf(handler.Queue);

        // Queues the broker may still have from before: the family's single queue from before partitioning,
        // and partitions beyond the configured count. Their messages are older than anything in the
        // partitions, so they go first (up to a head start), then those queues are removed.
        var retiring = KeepTryingAsync(family.Queue, ct => RetireAsync(family, ct), stoppingToken);
        await Task.WhenAny(retiring, Task.Delay(LegacyHeadStart, stoppingToken));
        await Task.WhenAll([retiring, .. Enumerable.Range(0, settings.Partitions).Select(n => KeepTryingAsync(family.Partition(n), ct => ConsumeAsync(family.Partition(n), ct), stoppingToken))]);
    }

    /// <summary>
    /// Runs the work until it returns or the service stops. A broker or database outage is waited out
    /// (the unacknowledged batch goes back to the queue); a bug stops the host.
    /// </summary>
    private async Task KeepTryingAsync(string queue, Func<CancellationToken, Task> work, CancellationToken stoppingToken)
    {
        try
        {
            await guard.RunAsync(LoopName(queue), work, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private static string LoopName(string queue) => "agent-inbox " + queue;

    /// <summary>
    /// Waits for the next delivery. The loop counts as working again once a batch committed or the queue
    /// stayed idle for a moment: a new subscription alone proves only that the broker is back.
    /// </summary>
    private async Task<bool> NextAsync(ChannelReader<Delivery> reader, string queue, bool working, CancellationToken stoppingToken)
    {
        if (working)
        {
            return await reader.WaitToReadAsync(stoppingToken);
        }

        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        idle.CancelAfter(DrainIdle);
        try
        {
            return await reader.WaitToReadAsync(idle.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            guard.Recovered(LoopName(queue));
            return await reader.WaitToReadAsync(stoppingToken);
        }
    }

    private async Task<IChannel> OpenChannelAsync(CancellationToken cancellationToken)
    {
        var connection = await connections.GetAsync(cancellationToken);
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        try
        {
            await AgentTopology.DeclareAsync(channel, AgentTopology.FamilyOf(handler.Queue), settings, cancellationToken);
            await channel.BasicQosAsync(0, (ushort)Math.Min(settings.BatchSize, ushort.MaxValue), global: false, cancellationToken);
            return channel;
        }
        catch
        {
            await channel.DisposeAsync();
            throw;
        }
    }

    /// <summary>Consumes one partition until the service stops; throws when the channel closes (the caller reconnects).</summary>
    private async Task ConsumeAsync(string queue, CancellationToken stoppingToken)
    {
        await using var channel = await OpenChannelAsync(stoppingToken);
        var inbox = await SubscribeAsync(channel, queue, stoppingToken);
        LogConsuming(queue);

        var batch = new List<Delivery>(settings.BatchSize);
        var working = false;
        while (await NextAsync(inbox.Reader, queue, working, stoppingToken))
        {
            batch.Clear();
            await FillBatchAsync(inbox.Reader, batch, stoppingToken);
            await ProcessAsync(channel, queue, batch, stoppingToken);
            if (!working)
            {
                guard.Recovered(LoopName(queue));
                working = true;
            }
        }

        throw new DependencyUnavailableException(DependencyFailure.RabbitMq, $"the channel for {queue} closed");
    }

    private static async Task<Channel<Delivery>> SubscribeAsync(IChannel channel, string queue, CancellationToken cancellationToken)
    {
        var inbox = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        channel.ChannelShutdownAsync += (_, _) =>
        {
            inbox.Writer.TryComplete();
            return Task.CompletedTask;
        };

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, ea) =>
        {
            // The body buffer is only valid inside this callback, so it is copied.
            inbox.Writer.TryWrite(new Delivery(ea.DeliveryTag, ea.Body.ToArray(), ea.BasicProperties.Type, ea.BasicProperties.MessageId, HeaderText(ea.BasicProperties, WireNames.SignatureHeader),
                HeaderText(ea.BasicProperties, EventTracing.TraceParentHeader)));
            return Task.CompletedTask;
        };

        // The broker cancels the consumer when the queue is deleted (e.g. by another replica retiring it).
        consumer.UnregisteredAsync += (_, _) =>
        {
            inbox.Writer.TryComplete();
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer, cancellationToken);
        return inbox;
    }

    private async Task FillBatchAsync(ChannelReader<Delivery> reader, List<Delivery> batch, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(settings.BatchWindowMilliseconds);
        while (batch.Count < settings.BatchSize)
        {
            if (reader.TryRead(out var delivery))
            {
                batch.Add(delivery);
                continue;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return;
            }

            using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            window.CancelAfter(left);
            try
            {
                if (!await reader.WaitToReadAsync(window.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Queue}")]
    private partial void LogConsuming(string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Draining {Queue}, which is no longer a partition (from before partitioning, or beyond AgentInbox:Partitions); it is unbound and deleted once empty")]
    private partial void LogDraining(string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Queue}: drained, its traffic goes to the partition queues")]
    private partial void LogRetired(string queue);
}
