using PosOps.Contracts;
using PosOps.Contracts.Incidents;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client.Exceptions;

namespace PosOps.NotificationService;

/// <summary>
/// Upgrading from the layout with one exchange and one queue per event type: whatever those queues
/// still hold becomes alerts first (dedupe by event id makes a repeat harmless), then they are removed.
/// A queue that is not there is skipped, so this costs one passive declare per old name on later starts.
/// </summary>
public static partial class RetiredQueues
{
    public static async Task DrainAsync(AmqpConnectionProvider connections, AlertIntake intake, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(intake);
        var connection = await connections.GetAsync(cancellationToken);
        foreach (var (suffix, type) in WireNames.RetiredIncidentEventSuffixes)
        {
            var queue = $"{WireNames.NotificationQueue}.{suffix}";
            // A passive declare of a missing queue closes the channel, so each name gets its own.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            try
            {
                await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                continue;
            }

            var drained = 0;
            while (await channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is { } message)
            {
                var sequence = IncidentEventsWire.Sequence(message.BasicProperties);
                IIntegrationEvent? read = null;
                try
                {
                    read = IncidentEventsWire.Read(type, message.Body);
                }
                catch (FormatException e)
                {
                    LogUnreadable(logger, queue, e.Message);
                }

                if (read is not null)
                {
                    await intake.TakeAsync(read, sequence, cancellationToken);
                }

                await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
                drained++;
            }

            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: true, cancellationToken: cancellationToken);
            await channel.ExchangeDeleteAsync(queue, ifUnused: false, cancellationToken: cancellationToken); // MassTransit's exchange of the same name
            LogRetired(logger, queue, drained);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retired {Queue} from the layout before one exchange; {Drained} events taken from it")]
    private static partial void LogRetired(ILogger logger, string queue, int drained);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dropped an unreadable event from retired queue {Queue}: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string queue, string reason);
}
