using System.Text.Json;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace PosOps.TerminalAgent.Publishing;

/// <summary>
/// Publishes agent messages exactly as the wire documentation says: raw JSON, AMQP <c>type</c> and
/// <c>message-id</c> set, routing key = device id. Faults and clears are persistent, mandatory and
/// confirmed by the broker before the call returns; heartbeats are transient (the next one corrects a lost one).
/// </summary>
public sealed class AgentPublisher(AmqpConnectionProvider connections) : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private IChannel? channel;

    public Task PublishAsync(IAgentMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message switch
        {
            Heartbeat h => PublishAsync(AgentMessageTypes.Heartbeat, h, JsonSerializer.SerializeToUtf8Bytes(h, WireJson.Options), cancellationToken),
            FaultReported f => PublishAsync(AgentMessageTypes.FaultReported, f, JsonSerializer.SerializeToUtf8Bytes(f, WireJson.Options), cancellationToken),
            FaultCleared c => PublishAsync(AgentMessageTypes.FaultCleared, c, JsonSerializer.SerializeToUtf8Bytes(c, WireJson.Options), cancellationToken),
            _ => throw new ArgumentException($"{message.GetType().Name} is not an agent message", nameof(message)),
        };
    }

    /// <summary>Publishes a body as given, for tools and tests that must send what a foreign agent might.</summary>
    public async Task PublishRawAsync(string exchange, string routingKey, string? type, Guid? messageId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties
        {
            Type = type,
            MessageId = messageId?.ToString(),
            ContentType = "application/json",
            Persistent = true,
        };
        var ch = await GetChannelAsync(cancellationToken).ConfigureAwait(false);
        await ch.BasicPublishAsync(exchange, routingKey, mandatory: false, properties, body, cancellationToken).ConfigureAwait(false);
    }

    private async Task PublishAsync(string type, IAgentMessage message, byte[] body, CancellationToken cancellationToken)
    {
        var transient = type == AgentMessageTypes.Heartbeat;
        var properties = new BasicProperties
        {
            Type = type,
            MessageId = message.MessageId.ToString(),
            ContentType = "application/json",
            Persistent = !transient,
            Timestamp = new AmqpTimestamp(message.OccurredAt.ToUnixTimeSeconds()),
        };
        var ch = await GetChannelAsync(cancellationToken).ConfigureAwait(false);

        // Mandatory for faults: if no queue is bound yet the broker returns it and the call throws,
        // instead of the fault vanishing silently.
        await ch.BasicPublishAsync(AgentExchanges.For(type), message.DeviceId, mandatory: !transient, properties, body, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IChannel> GetChannelAsync(CancellationToken cancellationToken)
    {
        if (channel is { IsOpen: true })
        {
            return channel;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (channel is { IsOpen: true })
            {
                return channel;
            }

            if (channel is not null)
            {
                await channel.DisposeAsync().ConfigureAwait(false);
            }

            var connection = await connections.GetAsync(cancellationToken).ConfigureAwait(false);
            var opened = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
                cancellationToken).ConfigureAwait(false);
            await AgentExchanges.DeclareAsync(opened, cancellationToken).ConfigureAwait(false);
            channel = opened;
            return opened;
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
