using RabbitMQ.Client;

namespace PosOps.ServiceDefaults.Messaging;

/// <summary>
/// One channel with publisher confirms, used one message at a time: a publish returns once the broker
/// confirmed it, so messages leave in the order they are handed over. Whatever fails, the next publish
/// gets a fresh channel (declaring its exchanges again) rather than one in an unknown state.
/// </summary>
public sealed class ConfirmedPublisher(AmqpConnectionProvider connections, Func<IChannel, CancellationToken, Task> declare) : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private IChannel? channel;

    public async Task PublishAsync(string exchange, string routingKey, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connections);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (channel is not { IsOpen: true })
            {
                var connection = await connections.GetAsync(cancellationToken).ConfigureAwait(false);
                channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken).ConfigureAwait(false);
                await declare(channel, cancellationToken).ConfigureAwait(false);
            }

            await channel.BasicPublishAsync(exchange, routingKey, mandatory: false, properties, body, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (channel is not null)
            {
                await channel.DisposeAsync().ConfigureAwait(false);
                channel = null;
            }

            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (channel is not null)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }

        gate.Dispose();
    }
}
