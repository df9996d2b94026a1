using PosOps.Contracts;
using PosOps.Contracts.Incidents;
using PosOps.IncidentService.Incidents;
using PosOps.ServiceDefaults.Messaging;

namespace PosOps.IncidentService.Publishing;

/// <summary>
/// Puts integration events on the one exchange, one at a time with a publisher confirm, so they leave in
/// the order the subscription hands them over (commit order). Raw RabbitMQ.Client rather than MassTransit:
/// the AMQP type property, the routing key and the single exchange are the contract, and MassTransit's
/// exchange-per-type topology is what let one incident's transitions overtake each other.
/// </summary>
public sealed class IntegrationEventSender(AmqpConnectionProvider connections) : ICommittedMessageSender, IAsyncDisposable
{
    private readonly ConfirmedPublisher publisher = new(connections, IncidentEventsWire.DeclareAsync);

    public Task SendAsync(IIntegrationEvent message, long sequence, string? traceParent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return publisher.PublishAsync(WireNames.IncidentEventsExchange, IncidentEventsWire.RoutingKey(message),
            IncidentEventsWire.Properties(message, sequence, traceParent), IncidentEventsWire.Body(message), cancellationToken);
    }

    public bool Sends(object message) => message is IIntegrationEvent;

    Task ICommittedMessageSender.SendAsync(object message, long sequence, string? traceParent, CancellationToken cancellationToken) =>
        SendAsync((IIntegrationEvent)message, sequence, traceParent, cancellationToken);

    public ValueTask DisposeAsync() => publisher.DisposeAsync();
}
