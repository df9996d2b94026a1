using PosOps.Contracts;
using PosOps.Contracts.Incidents;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace PosOps.IncidentService.Publishing;

/// <summary>
/// Puts integration events on the one exchange, one at a time with a publisher confirm, so they leave in
/// the order the subscription hands them over (commit order). Raw RabbitMQ.Client rather than MassTransit:
/// the AMQP type property, the routing key and the single exchange are the contract, and MassTransit's
/// exchange-per-type topology is what let one incident's transitions overtake each other.
/// </summary>
public sealed class IntegrationEventSender(AmqpConnectionProvider connections) : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private IChannel? channel;

    public async Task SendAsync(IIntegrationEvent message, long sequence, string? traceParent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (channel is not { IsOpen: true })
            {
                var connection = await connections.GetAsync(cancellationToken);
                channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
                await IncidentEventsWire.DeclareAsync(channel, cancellationToken);
            }

            await channel.BasicPublishAsync(WireNames.IncidentEventsExchange, IncidentEventsWire.RoutingKey(message), mandatory: false,
                IncidentEventsWire.Properties(message, sequence, traceParent), IncidentEventsWire.Body(message), cancellationToken);
        }
        catch
        {
            // The next event gets a fresh channel rather than one in an unknown state.
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
