using System.Text.Json;
using PosOps.Contracts;
using PosOps.Contracts.Commands;
using PosOps.IncidentService.Incidents;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace PosOps.IncidentService.Remediation;

/// <summary>Sends committed commands to the agents: topic exchange, routing key = device id, persistent, confirmed.</summary>
public sealed class AgentCommandPublisher(AmqpConnectionProvider connections) : ICommittedMessageSender, IAsyncDisposable
{
    private readonly ConfirmedPublisher publisher = new(connections, AgentExchanges.DeclareAsync);

    public async Task PublishAsync(AgentCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);

        // AMQP caps a routing key at 255 bytes: such a command can never be sent (the publisher parks it).
        if (System.Text.Encoding.UTF8.GetByteCount(command.DeviceId) > 255)
        {
            throw new ArgumentException($"device id of {System.Text.Encoding.UTF8.GetByteCount(command.DeviceId)} bytes is longer than an AMQP routing key may be (255)", nameof(command));
        }

        var properties = new BasicProperties
        {
            Type = AgentMessageTypes.Command,
            MessageId = command.CommandId.ToString(),
            ContentType = "application/json",
            Persistent = true,
        };
        await publisher.PublishAsync(WireNames.CommandExchange, command.DeviceId, properties, JsonSerializer.SerializeToUtf8Bytes(command, WireJson.Options), cancellationToken);
    }

    public bool Sends(object message) => message is AgentCommand;

    Task ICommittedMessageSender.SendAsync(object message, long sequence, string? traceParent, CancellationToken cancellationToken) =>
        PublishAsync((AgentCommand)message, cancellationToken);

    public ValueTask DisposeAsync() => publisher.DisposeAsync();
}
