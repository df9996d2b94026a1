using PosOps.Contracts;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace PosOps.NotificationService;

/// <summary>
/// NotificationService's side of the one integration-event exchange: a consistent-hash exchange bound to it
/// with "#" spreads incidents over quorum partition queues, each with a single active consumer, so one
/// incident's events are taken by one consumer in the order they were published (commit order).
/// </summary>
public static class IncidentEventsTopology
{
    public const string PartitionsExchange = WireNames.NotificationQueue + ".partitions";

    public static string Partition(int n) => $"{WireNames.NotificationQueue}.{n}";

    public static async Task DeclareAsync(IChannel channel, int partitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        await IncidentEventsWire.DeclareAsync(channel, cancellationToken);
        await channel.ExchangeDeclareAsync(PartitionsExchange, "x-consistent-hash", durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.ExchangeBindAsync(PartitionsExchange, WireNames.IncidentEventsExchange, "#", cancellationToken: cancellationToken);
        for (var n = 0; n < partitions; n++)
        {
            await channel.QueueDeclareAsync(Partition(n), durable: true, exclusive: false, autoDelete: false,
                new Dictionary<string, object?> { ["x-queue-type"] = "quorum", ["x-single-active-consumer"] = true }, cancellationToken: cancellationToken);
            await channel.QueueBindAsync(Partition(n), PartitionsExchange, "1", cancellationToken: cancellationToken); // weight 1
        }

        await channel.QueueDeclareAsync(WireNames.NotificationErrorQueue, durable: true, exclusive: false, autoDelete: false,
            new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken);
    }
}
