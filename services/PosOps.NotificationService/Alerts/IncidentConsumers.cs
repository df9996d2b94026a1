using PosOps.NotificationService.Delivery;
using MassTransit;
using PosOps.Contracts;
using PosOps.Contracts.Incidents;

namespace PosOps.NotificationService;

/// <summary>
/// One thin consumer per integration event: hand the message to the intake, then acknowledge. While the
/// database (or anything the intake needs) is away the message waits here, unacknowledged, retried with
/// capped backoff (Resilience:*) for as long as the outage lasts: an alert is never dead-lettered for that.
/// Only a message that can never succeed goes to the _error queue (MassTransit puts the reason in its
/// MT-Fault-* headers), counted in posops_notifications_errored.
/// </summary>
public sealed class AlertConsumer<TEvent>(AlertIntake intake, DependencyGuard guard, DeliveryMetrics metrics) : IConsumer<TEvent>
    where TEvent : class
{
    public const string Loop = "alert intake";

    public async Task Consume(ConsumeContext<TEvent> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await guard.RunAsync(Loop, ct => intake.TakeAsync(context.Message, context.GetRetryAttempt(), context.Headers.Get<long>(WireNames.EventSequenceHeader), ct), context.CancellationToken);
        }
        catch (Exception e) when (e is not IncidentNotYetKnownException and not OperationCanceledException)
        {
            metrics.Errored(typeof(TEvent).Name, e);
            throw;
        }
    }
}

/// <summary>
/// The integration events NotificationService alerts on, each on a queue of its own: raw JSON carries
/// no type name, so a queue must hold one type only.
/// </summary>
public static class AlertQueues
{
    public static readonly IReadOnlyDictionary<Type, string> Suffixes = new Dictionary<Type, string>
    {
        [typeof(IncidentOpened)] = ".opened",
        [typeof(IncidentResolved)] = ".resolved",
        [typeof(IncidentEscalated)] = ".escalated",
        [typeof(IncidentAcknowledged)] = ".acknowledged",
        [typeof(IncidentMitigated)] = ".mitigated",
        [typeof(IncidentReopened)] = ".reopened",
        [typeof(IncidentVerified)] = ".verified",
        [typeof(IncidentClosed)] = ".closed",
        [typeof(StoreOutageDetected)] = ".store-outage-detected",
        [typeof(StoreOutageResolved)] = ".store-outage-resolved",
        [typeof(PlatformOutageDetected)] = ".platform-outage-detected",
        [typeof(PlatformOutageResolved)] = ".platform-outage-resolved",
    };

    /// <summary>Registers one consumer (with its definition) per event type.</summary>
    public static void AddAlertConsumers(this IBusRegistrationConfigurator bus)
    {
        foreach (var type in Suffixes.Keys)
        {
            bus.AddConsumer(typeof(AlertConsumer<>).MakeGenericType(type), typeof(AlertConsumerDefinition<>).MakeGenericType(type));
        }
    }
}

/// <summary>Readable queue names, quorum queues, and retries for a transition that arrived before its opening.</summary>
public sealed class AlertConsumerDefinition<TEvent> : ConsumerDefinition<AlertConsumer<TEvent>>
    where TEvent : class
{
    public AlertConsumerDefinition()
    {
        EndpointName = WireNames.NotificationQueue + AlertQueues.Suffixes[typeof(TEvent)];
        ConcurrentMessageLimit = 16;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<AlertConsumer<TEvent>> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SetQuorumQueue();
        }

        // Only a transition that overtook its incident's opening is retried here (a few times); dependency
        // outages are waited out inside the consumer, and anything else can never succeed.
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Handle<IncidentNotYetKnownException>();
            r.Exponential(8, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
        });
    }
}
