using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace PosOps.IncidentService.AgentInbox;

/// <summary>
/// Retiring queues that are no longer partitions (the family's queue from before partitioning, partitions
/// beyond the configured count): each is unbound, its messages are processed first, then it is deleted.
/// </summary>
public sealed partial class AgentQueueRetirement(
    AgentQueueFamily family, AgentInboxOptions settings, AmqpConnectionProvider connections, AgentBatchProcessor processor, DependencyGuard guard, ILogger logger)
{
    /// <summary>How long a draining queue stays quiet before it is checked for being empty.</summary>
    private static readonly TimeSpan DrainIdle = TimeSpan.FromSeconds(1);

    public async Task RetireAsync(CancellationToken stoppingToken)
    {
        var found = new List<(string Queue, string Exchange, string Key)>();
        if (await ExistsAsync(family.Queue, stoppingToken))
        {
            found.Add((family.Queue, family.Exchange, "#"));
        }

        // Partitions were always numbered from 0 up, so the first one missing beyond the count ends the search.
        for (var n = settings.Partitions; n < AgentTopology.MaxPartitions && await ExistsAsync(family.Partition(n), stoppingToken); n++)
        {
            found.Add((family.Partition(n), family.HashExchange, "1"));
        }

        await Task.WhenAll(found.Select(r => AgentLoops.KeepTryingAsync(guard, r.Queue, ct => DrainAsync(r.Queue, r.Exchange, r.Key, ct), stoppingToken)));
    }

    private async Task<bool> ExistsAsync(string queue, CancellationToken cancellationToken)
    {
        // A passive declare of a missing queue closes its channel, so each look gets its own.
        var connection = await connections.GetAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        return await CountAsync(channel, queue, cancellationToken) is not null;
    }

    private async Task DrainAsync(string queue, string exchange, string bindingKey, CancellationToken stoppingToken)
    {
        while (!await DrainOnceAsync(queue, exchange, bindingKey, stoppingToken))
        {
        }
    }

    /// <summary>One drain; false when the queue has messages again and must be drained once more.</summary>
    private async Task<bool> DrainOnceAsync(string queue, string exchange, string bindingKey, CancellationToken stoppingToken)
    {
        await using var channel = await AgentTopology.OpenConsumerChannelAsync(connections, family, settings, stoppingToken);
        if (await CountAsync(channel, queue, stoppingToken) is null)
        {
            return true;
        }

        await channel.QueueUnbindAsync(queue, exchange, bindingKey, cancellationToken: stoppingToken);
        var inbox = await QueueSubscription.SubscribeAsync(channel, queue, stoppingToken);
        LogDraining(logger, queue);

        var batch = new List<QueueDelivery>(settings.BatchSize);
        while (true)
        {
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                idle.CancelAfter(DrainIdle);
                try
                {
                    if (!await inbox.WaitToReadAsync(idle.Token))
                    {
                        throw new DependencyUnavailableException(DependencyFailure.RabbitMq, $"the channel for {queue} closed");
                    }

                    batch.Clear();
                    await processor.FillAsync(inbox, batch, stoppingToken);
                    await processor.ProcessAsync(channel, queue, batch, stoppingToken);
                    continue;
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // Quiet for a while: see whether anything is left.
                }
            }

            var left = await CountAsync(channel, queue, stoppingToken);
            if (left is null or { Messages: 0 })
            {
                break;
            }
        }

        // Everything this channel took is acknowledged; a message another replica still holds keeps it as a consumer.
        if (channel.IsOpen)
        {
            await channel.CloseAsync(stoppingToken);
        }

        return await DeleteWhenUnusedAsync(queue, stoppingToken);
    }

    // A quorum queue reports a closed consumer gone a moment later, so look a few times. If another replica
    // still drains it, that one deletes it; an empty, unbound leftover is retried at the next start.
    private async Task<bool> DeleteWhenUnusedAsync(string queue, CancellationToken stoppingToken)
    {
        await using var check = await AgentTopology.OpenConsumerChannelAsync(connections, family, settings, stoppingToken);
        for (var look = 0; look < 10; look++)
        {
            switch (await CountAsync(check, queue, stoppingToken))
            {
                case null:
                    return true;
                case { Messages: 0, Consumers: 0 }:
                    await check.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: stoppingToken);
                    LogRetired(logger, queue);
                    return true;
                case { Messages: > 0 }:
                    return false; // messages again: drain it once more
                default:
                    await Task.Delay(TimeSpan.FromMilliseconds(300), stoppingToken);
                    break;
            }
        }

        return true;
    }

    /// <summary>Ready messages and consumers of a queue, or null when it does not exist (which closes the channel).</summary>
    private static async Task<(uint Messages, uint Consumers)?> CountAsync(IChannel channel, string queue, CancellationToken cancellationToken)
    {
        try
        {
            var ok = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
            return (ok.MessageCount, ok.ConsumerCount);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Draining {Queue}, which is no longer a partition (from before partitioning, or beyond AgentInbox:Partitions); it is unbound and deleted once empty")]
    private static partial void LogDraining(ILogger logger, string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Queue}: drained, its traffic goes to the partition queues")]
    private static partial void LogRetired(ILogger logger, string queue);
}
