using System.Threading.Channels;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using PosOps.IncidentService.Incidents;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace PosOps.IncidentService.AgentInbox;

/// <summary>
/// Batching and acknowledgement: fill a batch within its window, read and trust each message, hand the
/// valid ones to the handler and acknowledge the batch after its commit (principle 3). When the batch fails
/// on one message's data, retry one by one so only that message goes to the error queue.
/// </summary>
public sealed partial class AgentBatchProcessor(
    IAgentBatchHandler handler, AgentInboxOptions settings, MessageTrust trust, InboxMetrics metrics, PoisonMessages poison, ILogger logger)
{
    public int BatchSize => settings.BatchSize;

    /// <summary>Adds deliveries to <paramref name="batch"/> until it is full or the batch window has passed.</summary>
    public async Task FillAsync(ChannelReader<QueueDelivery> reader, List<QueueDelivery> batch, CancellationToken cancellationToken)
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

    public async Task ProcessAsync(IChannel channel, string queue, List<QueueDelivery> batch, CancellationToken cancellationToken)
    {
        var accepted = await AcceptAsync(channel, queue, batch, cancellationToken);
        using var traced = EventTracing.Arriving(accepted
            .Where(a => a.TraceParent is not null)
            .DistinctBy(a => a.Message.MessageId)
            .ToDictionary(a => a.Message.MessageId, a => a.TraceParent!));
        try
        {
            if (accepted.Count > 0)
            {
                await handler.HandleAsync([.. accepted.Select(a => a.Message)], cancellationToken);
            }
        }
        catch (Exception e) when (!PoisonMessages.IsTransient(e) && accepted.Count > 1)
        {
            // One bad message must not hold up the others: retry one by one and isolate it.
            LogBatchIsolating(logger, queue, accepted.Count, e.Message);
            foreach (var (delivery, message, _) in accepted)
            {
                try
                {
                    await handler.HandleAsync([message], cancellationToken);
                }
                catch (Exception single) when (!PoisonMessages.IsTransient(single))
                {
                    await poison.RejectAsync(channel, queue, delivery, $"processing failed: {single.GetType().Name}: {single.Message}", cancellationToken);
                }
            }
        }
        catch (Exception e) when (!PoisonMessages.IsTransient(e))
        {
            await poison.RejectAsync(channel, queue, accepted[0].Delivery, $"processing failed: {e.GetType().Name}: {e.Message}", cancellationToken);
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

    // Reading and trust: a message that cannot be read or is not to be believed goes to the error queue now.
    private async Task<List<(QueueDelivery Delivery, IAgentMessage Message, string? TraceParent)>> AcceptAsync(
        IChannel channel, string queue, List<QueueDelivery> batch, CancellationToken cancellationToken)
    {
        var readable = new List<(QueueDelivery Delivery, IAgentMessage Message)>(batch.Count);
        foreach (var delivery in batch)
        {
            var read = AgentMessageReader.Read(delivery.Body, delivery.Properties.Type, handler.AcceptedTypes, settings.MaxBodyBytes);
            if (read.Message is null)
            {
                await poison.RejectAsync(channel, queue, delivery, read.Rejection!, cancellationToken);
            }
            else
            {
                readable.Add((delivery, read.Message));
            }
        }

        var accepted = new List<(QueueDelivery, IAgentMessage, string?)>(readable.Count);
        var verdicts = readable.Count == 0 ? [] : await trust.CheckAsync(
            [.. readable.Select(r => new ReceivedAgentMessage(r.Message, r.Delivery.Body, r.Delivery.Header(WireNames.SignatureHeader)))], cancellationToken);
        for (var i = 0; i < readable.Count; i++)
        {
            if (verdicts[i] is { } distrust)
            {
                await poison.RejectAsync(channel, queue, readable[i].Delivery, distrust, cancellationToken);
            }
            else
            {
                accepted.Add((readable[i].Delivery, readable[i].Message, readable[i].Delivery.Header(EventTracing.TraceParentHeader)));
            }
        }

        return accepted;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch of {Count} from {Queue} failed ({Reason}); retrying one by one")]
    private static partial void LogBatchIsolating(ILogger logger, string queue, int count, string reason);
}
