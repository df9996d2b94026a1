using MassTransit;
using PosOps.Contracts;
using PosOps.Contracts.Incidents;

namespace PosOps.NotificationService;

public sealed class IncidentOpenedConsumer(AlertDispatcher dispatcher) : IConsumer<IncidentOpened>
{
    public Task Consume(ConsumeContext<IncidentOpened> context) =>
        dispatcher.DispatchAsync(Alert.From(context.Message), context.CancellationToken);
}

public sealed class IncidentResolvedConsumer(AlertDispatcher dispatcher) : IConsumer<IncidentResolved>
{
    public Task Consume(ConsumeContext<IncidentResolved> context) =>
        dispatcher.DispatchAsync(Alert.From(context.Message), context.CancellationToken);
}

public sealed class IncidentEscalatedConsumer(AlertDispatcher dispatcher) : IConsumer<IncidentEscalated>
{
    public Task Consume(ConsumeContext<IncidentEscalated> context) =>
        dispatcher.DispatchAsync(Alert.From(context.Message), context.CancellationToken);
}

/// <summary>
/// Readable queue names, quorum queues, and retries with backoff for receivers that are briefly down.
/// One queue per event type: raw JSON carries no type name, so a queue must hold one type only.
/// </summary>
public sealed class IncidentConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    public IncidentConsumerDefinition()
    {
        EndpointName = WireNames.NotificationQueue + (typeof(TConsumer).Name switch
        {
            nameof(IncidentOpenedConsumer) => ".opened",
            nameof(IncidentEscalatedConsumer) => ".escalated",
            _ => ".resolved",
        });
        ConcurrentMessageLimit = 16;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SetQuorumQueue();
        }

        endpointConfigurator.UseMessageRetry(r => r.Exponential(8, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500)));
    }
}
