using System.Net.Sockets;
using Npgsql;
using PosOps.Contracts;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace PosOps.IncidentService.AgentInbox;

/// <summary>
/// Poison isolation (principle 7): which failures are a message's own fault, and the error queue such a
/// message goes to with its reason, so the rest of its batch goes on.
/// </summary>
public sealed partial class PoisonMessages(string family, InboxMetrics metrics, ILogger logger)
{
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

    /// <summary>Parks one delivery in the agents' error queue; the caller acknowledges it with its batch.</summary>
    public async Task RejectAsync(IChannel channel, string queue, QueueDelivery delivery, string reason, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties
        {
            Persistent = true,
            MessageId = delivery.Properties.MessageId,
            Type = delivery.Properties.Type,
            ContentType = "application/json",
            Headers = new Dictionary<string, object?>
            {
                [WireNames.ReasonHeader] = reason,
                // The family's name (stable on the wire, whatever the partition count); the log names the partition.
                [WireNames.SourceQueueHeader] = family,
            },
        };
        await channel.BasicPublishAsync(string.Empty, WireNames.AgentErrorQueue, mandatory: true, properties, delivery.Body, cancellationToken);
        metrics.Rejected(family);
        LogRejected(logger, queue, delivery.Properties.MessageId, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected message {MessageId} from {Queue} to the error queue: {Reason}")]
    private static partial void LogRejected(ILogger logger, string queue, string? messageId, string reason);
}
