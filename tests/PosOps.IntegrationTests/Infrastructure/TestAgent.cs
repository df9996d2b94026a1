using System.Collections.Concurrent;
using System.Text.Json;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace PosOps.IntegrationTests.Infrastructure;

/// <summary>
/// A foreign agent, as an Android or C client would be: builds the wire bytes itself, signs them with
/// its device key, and publishes raw AMQP. Devices it talks for are put in the registry first.
/// </summary>
public sealed class TestAgent(AmqpConnectionProvider connections, Func<string, Task> register) : IAsyncDisposable
{
    public const string FleetSecret = "test-fleet";
    private readonly ConcurrentDictionary<string, Task> registered = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim gate = new(1, 1);
    private IChannel? channel;

    public static byte[] KeyFor(string deviceId) => AgentSignature.DeriveDeviceKey(FleetSecret, deviceId);

    // Registering twice under a race is harmless (the registry upserts); publishing before registering is not.
    public Task EnsureRegisteredAsync(string deviceId) => registered.GetOrAdd(deviceId, register);

    public async Task PublishAsync(IAgentMessage message, CancellationToken cancellationToken, byte[]? signWith = null, bool sign = true)
    {
        ArgumentNullException.ThrowIfNull(message);
        await EnsureRegisteredAsync(message.DeviceId);

        var type = AgentExchanges.TypeOf(message);
        var body = JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), WireJson.Options);
        var signature = sign ? AgentSignature.Sign(signWith ?? KeyFor(message.DeviceId), message.DeviceId, message.Sequence, body) : null;
        await PublishRawAsync(AgentExchanges.For(type), message.DeviceId, type, message.MessageId, body, cancellationToken, signature);
    }

    public async Task PublishRawAsync(string exchange, string routingKey, string? type, Guid? messageId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken, string? signature = null)
    {
        var headers = new Dictionary<string, object?>();
        if (signature is not null)
        {
            headers[WireNames.SignatureHeader] = signature;
        }

        var properties = new BasicProperties
        {
            Type = type,
            MessageId = messageId?.ToString(),
            ContentType = "application/json",
            Persistent = true,
            Headers = headers,
            Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
        };
        var ch = await ChannelAsync(cancellationToken);
        await ch.BasicPublishAsync(exchange, routingKey, mandatory: false, properties, body, cancellationToken);
    }

    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (channel is not { IsOpen: true })
            {
                var connection = await connections.GetAsync(cancellationToken);
                channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
                await AgentExchanges.DeclareAsync(channel, cancellationToken);
            }

            return channel;
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
            await channel.DisposeAsync();
        }
    }

}
