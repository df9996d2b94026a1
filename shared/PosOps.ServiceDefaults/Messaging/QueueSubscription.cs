using System.Text;
using System.Threading.Channels;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace PosOps.ServiceDefaults.Messaging;

/// <summary>A delivery copied out of the consumer callback (its body buffer is valid only inside it).</summary>
public sealed record QueueDelivery(ulong Tag, byte[] Body, IReadOnlyBasicProperties Properties, bool Redelivered)
{
    public string? Header(string name) => AmqpHeaders.Text(Properties, name);
}

/// <summary>Consuming one queue with manual acknowledgement into a reader that one loop drains.</summary>
public static class QueueSubscription
{
    /// <summary>
    /// The reader completes when the channel shuts down or the broker cancels the consumer (its queue was
    /// deleted), so the loop sees the end and reconnects; unacknowledged deliveries go back to the queue.
    /// </summary>
    public static async Task<ChannelReader<QueueDelivery>> SubscribeAsync(IChannel channel, string queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var inbox = Channel.CreateUnbounded<QueueDelivery>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        channel.ChannelShutdownAsync += (_, _) =>
        {
            inbox.Writer.TryComplete();
            return Task.CompletedTask;
        };

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, ea) =>
        {
            inbox.Writer.TryWrite(new QueueDelivery(ea.DeliveryTag, ea.Body.ToArray(), ea.BasicProperties, ea.Redelivered));
            return Task.CompletedTask;
        };
        consumer.UnregisteredAsync += (_, _) =>
        {
            inbox.Writer.TryComplete();
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer, cancellationToken);
        return inbox.Reader;
    }
}

public static class AmqpHeaders
{
    /// <summary>A header as text (RabbitMQ.Client hands string headers over as UTF-8 bytes).</summary>
    public static string? Text(IReadOnlyBasicProperties? properties, string name) =>
        properties?.Headers is { } headers && headers.TryGetValue(name, out var value)
            ? value switch { byte[] bytes => Encoding.UTF8.GetString(bytes), null => null, _ => value.ToString() }
            : null;
}
