using System.Text.Json;
using PosOps.Contracts;
using PosOps.Contracts.Commands;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace PosOps.IncidentService.Remediation;

/// <summary>Sends committed commands to the agents: topic exchange, routing key = device id, persistent, confirmed.</summary>
public sealed class AgentCommandPublisher(AmqpConnectionProvider connections) : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private IChannel? channel;

    public async Task PublishAsync(AgentCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);

        // AMQP caps a routing key at 255 bytes: such a command can never be sent (the publisher parks it).
        if (System.Text.Encoding.UTF8.GetByteCount(command.DeviceId) > 255)
        {
            throw new ArgumentException($"device id of {System.Text.Encoding.UTF8.GetByteCount(command.DeviceId)} bytes is longer than an AMQP routing key may be (255)", nameof(command));
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (channel is not { IsOpen: true })
            {
                var connection = await connections.GetAsync(cancellationToken);
                channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
                await AgentExchanges.DeclareAsync(channel, cancellationToken);
            }

            var properties = new BasicProperties
            {
                Type = AgentMessageTypes.Command,
                MessageId = command.CommandId.ToString(),
                ContentType = "application/json",
                Persistent = true,
                Expiration = null,
            };
            await channel.BasicPublishAsync(WireNames.CommandExchange, command.DeviceId, mandatory: false, properties,
                JsonSerializer.SerializeToUtf8Bytes(command, WireJson.Options), cancellationToken);
        }
        catch
        {
            // Whatever failed, the next command gets a fresh channel rather than one in an unknown state.
            if (channel is not null)
            {
                await channel.DisposeAsync();
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
            await channel.DisposeAsync();
        }

        gate.Dispose();
    }
}
