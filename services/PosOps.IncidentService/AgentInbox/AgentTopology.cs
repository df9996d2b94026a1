using PosOps.Contracts;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace PosOps.IncidentService.AgentInbox;

/// <summary>
/// Declares the agent-facing exchanges and IncidentService's queues. Idempotent: every replica
/// declares the same thing at start-up.
/// </summary>
public static class AgentTopology
{
    public static async Task DeclareAsync(IChannel channel, AgentInboxOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(options);
        await AgentExchanges.DeclareAsync(channel, cancellationToken).ConfigureAwait(false);

        var quorum = new Dictionary<string, object?> { ["x-queue-type"] = "quorum" };
        await channel.QueueDeclareAsync(WireNames.FaultQueue, durable: true, exclusive: false, autoDelete: false, arguments: quorum, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(WireNames.TransactionsQueue, durable: true, exclusive: false, autoDelete: false, arguments: quorum, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(WireNames.AgentErrorQueue, durable: true, exclusive: false, autoDelete: false, arguments: quorum, cancellationToken: cancellationToken).ConfigureAwait(false);

        // Heartbeats take the cheap path: a classic queue with a cap that drops the oldest.
        var heartbeat = new Dictionary<string, object?>
        {
            ["x-queue-type"] = "classic",
            ["x-max-length"] = options.HeartbeatQueueMaxLength,
            ["x-overflow"] = "drop-head",
        };
        await channel.QueueDeclareAsync(WireNames.HeartbeatQueue, durable: true, exclusive: false, autoDelete: false, arguments: heartbeat, cancellationToken: cancellationToken).ConfigureAwait(false);

        await channel.QueueBindAsync(WireNames.FaultQueue, WireNames.FaultExchange, "#", cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(WireNames.TransactionsQueue, WireNames.TransactionsExchange, "#", cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(WireNames.HeartbeatQueue, WireNames.HeartbeatExchange, "#", cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
