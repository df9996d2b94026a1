using System.Diagnostics.Metrics;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace PosOps.IncidentService.AgentInbox;

/// <summary>Handles a batch of valid agent messages from one queue and commits before returning.</summary>
public interface IAgentBatchHandler
{
    string Queue { get; }

    /// <summary>Message types this queue carries (see <see cref="AgentMessageTypes"/>).</summary>
    IReadOnlyList<string> AcceptedTypes { get; }

    /// <summary>Applies the messages in order and commits. Throws when nothing was committed.</summary>
    Task HandleAsync(IReadOnlyList<IAgentMessage> batch, CancellationToken cancellationToken);
}

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
    ILogger<AgentQueueConsumer> logger) : BackgroundService
{
    private readonly AgentInboxOptions settings = options.Value;

    private sealed record Delivery(ulong Tag, byte[] Body, string? Type, string? MessageId, string? Signature);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogConsumerRestart(handler.Queue, e.Message, e);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        var connection = await connections.GetAsync(stoppingToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            stoppingToken);
        await AgentTopology.DeclareAsync(channel, settings, stoppingToken);
        await channel.BasicQosAsync(0, (ushort)Math.Min(settings.BatchSize, ushort.MaxValue), global: false, stoppingToken);

        var inbox = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        channel.ChannelShutdownAsync += (_, _) =>
        {
            inbox.Writer.TryComplete();
            return Task.CompletedTask;
        };

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, ea) =>
        {
            // The body buffer is only valid inside this callback, so it is copied.
            inbox.Writer.TryWrite(new Delivery(ea.DeliveryTag, ea.Body.ToArray(), ea.BasicProperties.Type, ea.BasicProperties.MessageId, HeaderText(ea.BasicProperties, WireNames.SignatureHeader)));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(handler.Queue, autoAck: false, consumer, stoppingToken);
        LogConsuming(handler.Queue);

        var batch = new List<Delivery>(settings.BatchSize);
        while (await inbox.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            await FillBatchAsync(inbox.Reader, batch, stoppingToken);
            await ProcessAsync(channel, batch, stoppingToken);
        }

        throw new InvalidOperationException($"channel for {handler.Queue} closed");
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

    private async Task ProcessAsync(IChannel channel, List<Delivery> batch, CancellationToken cancellationToken)
    {
        var readable = new List<(Delivery Delivery, IAgentMessage Message)>(batch.Count);
        foreach (var delivery in batch)
        {
            var read = AgentMessageReader.Read(delivery.Body, delivery.Type, handler.AcceptedTypes, settings.MaxBodyBytes);
            if (read.Message is null)
            {
                await RejectAsync(channel, delivery, read.Rejection!, cancellationToken);
            }
            else
            {
                readable.Add((delivery, read.Message));
            }
        }

        var accepted = new List<(Delivery Delivery, IAgentMessage Message)>(readable.Count);
        var verdicts = readable.Count == 0 ? [] : await trust.CheckAsync([.. readable.Select(r => new ReceivedAgentMessage(r.Message, r.Delivery.Body, r.Delivery.Signature))], cancellationToken);
        for (var i = 0; i < readable.Count; i++)
        {
            if (verdicts[i] is { } distrust)
            {
                await RejectAsync(channel, readable[i].Delivery, distrust, cancellationToken);
            }
            else
            {
                accepted.Add(readable[i]);
            }
        }

        try
        {
            if (accepted.Count > 0)
            {
                await handler.HandleAsync([.. accepted.Select(a => a.Message)], cancellationToken);
            }
        }
        catch (Exception e) when (!IsTransient(e) && accepted.Count > 1)
        {
            // One bad message must not hold up the others: retry one by one and isolate it.
            LogBatchIsolating(handler.Queue, accepted.Count, e.Message);
            foreach (var (delivery, message) in accepted)
            {
                try
                {
                    await handler.HandleAsync([message], cancellationToken);
                }
                catch (Exception single) when (!IsTransient(single))
                {
                    await RejectAsync(channel, delivery, $"processing failed: {single.GetType().Name}: {single.Message}", cancellationToken);
                }
            }
        }
        catch (Exception e) when (!IsTransient(e))
        {
            await RejectAsync(channel, accepted[0].Delivery, $"processing failed: {e.GetType().Name}: {e.Message}", cancellationToken);
        }

        // Everything up to the last tag is either committed or parked in the error queue.
        // Heartbeats (a cheap queue that runs ahead) must not make a delayed fault edge look like a replay.
        if (handler.Queue != WireNames.HeartbeatQueue)
        {
            await trust.RecordAsync(accepted.Select(a => a.Message), cancellationToken);
        }

        await channel.BasicAckAsync(batch[^1].Tag, multiple: true, cancellationToken);
        metrics.Handled(handler.Queue, accepted.Count);
    }

    private async Task RejectAsync(IChannel channel, Delivery delivery, string reason, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties
        {
            Persistent = true,
            MessageId = delivery.MessageId,
            Type = delivery.Type,
            ContentType = "application/json",
            Headers = new Dictionary<string, object?>
            {
                [WireNames.ReasonHeader] = reason,
                [WireNames.SourceQueueHeader] = handler.Queue,
            },
        };
        await channel.BasicPublishAsync(string.Empty, WireNames.AgentErrorQueue, mandatory: true, properties, delivery.Body, cancellationToken);
        metrics.Rejected(handler.Queue);
        LogRejected(handler.Queue, delivery.MessageId, reason);
    }

    private static string? HeaderText(IReadOnlyBasicProperties properties, string name) =>
        properties.Headers?.TryGetValue(name, out var value) == true
            ? value switch
            {
                byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
                string text => text,
                _ => null,
            }
            : null;

    /// <summary>
    /// Infrastructure trouble (database or network away, schema not there) is retried with the whole
    /// batch requeued; only errors that depend on a message's data (PostgreSQL classes 22 and 23, or a
    /// refused decision) may park that one message in the error queue.
    /// </summary>
    public static bool IsTransient(Exception e) => OptimisticRetry.IsConflict(e) || e switch
    {
        OperationCanceledException or TimeoutException or SocketException or IOException => true,
        PostgresException pg => !(pg.SqlState.StartsWith("22", StringComparison.Ordinal) || pg.SqlState.StartsWith("23", StringComparison.Ordinal)),
        NpgsqlException => true,
        _ => e.InnerException is { } inner && IsTransient(inner),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Queue}")]
    private partial void LogConsuming(string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer of {Queue} restarts after: {Reason}")]
    private partial void LogConsumerRestart(string queue, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected message {MessageId} from {Queue} to the error queue: {Reason}")]
    private partial void LogRejected(string queue, string? messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch of {Count} from {Queue} failed ({Reason}); retrying one by one")]
    private partial void LogBatchIsolating(string queue, int count, string reason);
}

/// <summary>Counters for agent ingestion, on the service's meter.</summary>
public sealed class InboxMetrics
{
    public const string MeterName = "PosOps.IncidentService";
    private readonly Counter<long> handled;
    private readonly Counter<long> rejected;

    public InboxMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        handled = meter.CreateCounter<long>("posops.agent_messages.handled", description: "Agent messages committed");
        rejected = meter.CreateCounter<long>("posops.agent_messages.rejected", description: "Agent messages sent to the error queue");
    }

    public void Handled(string queue, int count) => handled.Add(count, new KeyValuePair<string, object?>("queue", queue));

    public void Rejected(string queue) => rejected.Add(1, new KeyValuePair<string, object?>("queue", queue));
}
