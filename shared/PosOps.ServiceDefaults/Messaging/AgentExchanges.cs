using PosOps.Contracts;
using PosOps.Contracts.Agent;
using RabbitMQ.Client;

namespace PosOps.ServiceDefaults.Messaging;

/// <summary>The exchanges agents publish to. Declared by both sides, so either may start first.</summary>
public static class AgentExchanges
{
    /// <summary>Declares the heartbeat and fault exchanges (topic, durable; routing key = device id).</summary>
    public static async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        await channel.ExchangeDeclareAsync(WireNames.HeartbeatExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(WireNames.FaultExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(WireNames.TransactionsExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(WireNames.CommandExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The AMQP <c>type</c> of an agent message.</summary>
    public static string TypeOf(IAgentMessage message) => message switch
    {
        Heartbeat => AgentMessageTypes.Heartbeat,
        FaultReported => AgentMessageTypes.FaultReported,
        FaultCleared => AgentMessageTypes.FaultCleared,
        NetworkSwitched => AgentMessageTypes.NetworkSwitched,
        CommandResult => AgentMessageTypes.CommandResult,
        OfflineTransactionsUploaded => AgentMessageTypes.OfflineTransactions,
        _ => throw new ArgumentOutOfRangeException(nameof(message), message?.GetType().Name, "not an agent message"),
    };

    /// <summary>The exchange a message type is published to.</summary>
    public static string For(string messageType) => messageType switch
    {
        AgentMessageTypes.Heartbeat => WireNames.HeartbeatExchange,
        AgentMessageTypes.FaultReported or AgentMessageTypes.FaultCleared
            or AgentMessageTypes.NetworkSwitched or AgentMessageTypes.CommandResult => WireNames.FaultExchange,
        AgentMessageTypes.OfflineTransactions => WireNames.TransactionsExchange,
        _ => throw new ArgumentOutOfRangeException(nameof(messageType), messageType, "unknown agent message type"),
    };
}
