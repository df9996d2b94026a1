using System.Net.Sockets;
using Npgsql;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using RabbitMQ.Client;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.AgentInbox;

/// <summary>
/// One batch: read and trust each message, hand the valid ones to the handler, acknowledge after its commit;
/// when the batch fails on one message's data, retry one by one so only that message goes to the error queue.
/// </summary>
public sealed partial class AgentQueueConsumer
{
    private async Task ProcessAsync(IChannel channel, string queue, List<Delivery> batch, CancellationToken cancellationToken)
    {
        var readable = new List<(Delivery Delivery, IAgentMessage Message)>(batch.Count);
        foreach (var delivery in batch)
        {
            var read = AgentMessageReader.Read(delivery.Body, delivery.Type, handler.AcceptedTypes, settings.MaxBodyBytes);
            if (read.Message is null)
            {
                await RejectAsync(channel, queue, delivery, read.Rejection!, cancellationToken);
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
                await RejectAsync(channel, queue, readable[i].Delivery, distrust, cancellationToken);
            }
            else
            {
                accepted.Add(readable[i]);
            }
        }

        using var traced = EventTracing.Arriving(accepted
            .Where(a => a.Delivery.TraceParent is not null)
            .DistinctBy(a => a.Message.MessageId)
            .ToDictionary(a => a.Message.MessageId, a => a.Delivery.TraceParent!));
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
            LogBatchIsolating(queue, accepted.Count, e.Message);
            foreach (var (delivery, message) in accepted)
            {
                try
                {
                    await handler.HandleAsync([message], cancellationToken);
                }
                catch (Exception single) when (!IsTransient(single))
                {
                    await RejectAsync(channel, queue, delivery, $"processing failed: {single.GetType().Name}: {single.Message}", cancellationToken);
                }
            }
        }
        catch (Exception e) when (!IsTransient(e))
        {
            await RejectAsync(channel, queue, accepted[0].Delivery, $"processing failed: {e.GetType().Name}: {e.Message}", cancellationToken);
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

    private async Task RejectAsync(IChannel channel, string queue, Delivery delivery, string reason, CancellationToken cancellationToken)
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
                // The family's name (stable on the wire, whatever the partition count); the log names the partition.
                [WireNames.SourceQueueHeader] = handler.Queue,
            },
        };
        await channel.BasicPublishAsync(string.Empty, WireNames.AgentErrorQueue, mandatory: true, properties, delivery.Body, cancellationToken);
        metrics.Rejected(handler.Queue);
        LogRejected(queue, delivery.MessageId, reason);
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
    public static bool IsTransient(Exception e) => OptimisticRetry.IsConflict(e) || DependencyFailure.IsTransient(e) || e switch
    {
        OperationCanceledException or TimeoutException or SocketException or IOException => true,
        PostgresException pg => !(pg.SqlState.StartsWith("22", StringComparison.Ordinal) || pg.SqlState.StartsWith("23", StringComparison.Ordinal)),
        NpgsqlException => true,
        _ => e.InnerException is { } inner && IsTransient(inner),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected message {MessageId} from {Queue} to the error queue: {Reason}")]
    private partial void LogRejected(string queue, string? messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch of {Count} from {Queue} failed ({Reason}); retrying one by one")]
    private partial void LogBatchIsolating(string queue, int count, string reason);
}
