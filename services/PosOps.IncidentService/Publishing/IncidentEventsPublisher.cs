using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using PosOps.IncidentService.Incidents;
using Wire = PosOps.Contracts.Incidents;

namespace PosOps.IncidentService.Publishing;

/// <summary>
/// Publish after commit (design principle 3): a Marten subscription reads committed events in order
/// and publishes them, one at a time, on the one integration-event exchange, so one incident's
/// transitions leave in commit order. The message id is the stored event's id, so a republish after
/// a crash is recognised downstream. A failure stops here and is retried, never skipped.
/// </summary>
public sealed partial class IncidentEventsPublisher : SubscriptionBase
{
    private const string Loop = "after-commit publisher";

    private readonly IReadOnlyList<ICommittedMessageSender> senders;
    private readonly DependencyGuard guard;
    private readonly ParkedEvents parked;
    private readonly TimeProvider clock;
    private readonly ILogger<IncidentEventsPublisher> logger;

    public IncidentEventsPublisher(
        IEnumerable<ICommittedMessageSender> senders, DependencyGuard guard, ParkedEvents parked, TimeProvider clock, ILogger<IncidentEventsPublisher> logger)
    {
        (this.senders, this.guard, this.parked, this.clock, this.logger) = ([.. senders], guard, parked, clock, logger);
        Name = "IncidentEventsPublisher"; // its progress row: renaming it would publish everything again
    }

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(operations);
        var wire = new WireEvents(operations, cancellationToken);
        foreach (var e in page.Events)
        {
            // A connectivity incident's alert waits for the store correlation: until its release, its later
            // transitions are not published alone; the release publishes the opening, then them, in order.
            if (e.Data is IDeviceEvent data && WireEvents.IsLaterTransition(data)
                && await wire.ViewAsync(((IIncidentEvent)data).IncidentId) is { AlertHeld: true } view
                && (view.AlertReleasedSequence is not { } released || released > e.Sequence))
            {
                continue;
            }

            var message = await wire.ForAsync(e);
            if (message is null)
            {
                continue;
            }

            string? openedInTrace = null;
            if (e.Data is IncidentAlertReleased && await wire.ViewAsync(((IIncidentEvent)e.Data).IncidentId) is { } heldView)
            {
                openedInTrace = heldView.TraceParent;
                await PublishAsync(message, e, operations, cancellationToken, openedInTrace);
                foreach (var later in await wire.HeldTransitionsAsync(heldView, e.Sequence))
                {
                    if (await wire.ForAsync(later) is { } transition)
                    {
                        await PublishAsync(transition, later, operations, cancellationToken);
                    }
                }

                LogPublished(((Wire.IncidentOpened)message).HeldBackBy is null ? "IncidentOpened (after the correlation hold)" : "IncidentOpened (held back by a store or platform incident)",
                    heldView.Id, heldView.DeviceId);
                continue;
            }

            await PublishAsync(message, e, operations, cancellationToken);
            if (message is Wire.IncidentOpened or Wire.IncidentEscalated or Wire.IncidentResolved or Wire.StoreOutageDetected or Wire.PlatformOutageDetected)
            {
                LogPublished(message.GetType().Name, ((Wire.IIntegrationEvent)message).IncidentId, (e.Data as IDeviceEvent)?.DeviceId ?? "");
            }
        }

        return NullChangeListener.Instance;
    }

    // An exception escaping a subscription pauses it, so a broker outage is waited out here, in order, at
    // this event: nothing is skipped and nothing later overtakes it. An event that can never be published
    // (a permanent failure) is parked with its reason and a platform alert, and the events after it flow on.
    private async Task PublishAsync(object message, IEvent stored, IDocumentOperations operations, CancellationToken cancellationToken, string? openedInTrace = null)
    {
        var kind = message.GetType().Name;
        using var span = EventTracing.StartPublish(stored, kind, openedInTrace);
        try
        {
            await guard.RunAsync(Loop, ct => SendAsync(message, stored.Sequence, span?.Id, ct), cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var entry = parked.Record(stored, kind, e, clock.GetUtcNow());
            operations.Store(entry);
            LogParked(kind, stored.Sequence, entry.Reason, e);
            var alert = ParkedEvents.Alert(entry);
            await guard.RunAsync(Loop, ct => SendAsync(alert, stored.Sequence, null, ct), cancellationToken);
        }
    }

    private Task SendAsync(object message, long sequence, string? traceParent, CancellationToken cancellationToken) =>
        (senders.FirstOrDefault(s => s.Sends(message)) ?? throw new ArgumentException($"no sender takes {message.GetType().Name}", nameof(message)))
            .SendAsync(message, sequence, traceParent, cancellationToken);

    [LoggerMessage(Level = LogLevel.Error, Message = "Parked {Kind} (event sequence {Sequence}): it cannot be published ({Reason}); the events after it go on")]
    private partial void LogParked(string kind, long sequence, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {Kind} for incident {IncidentId} on device {DeviceId}")]
    private partial void LogPublished(string kind, Guid incidentId, string deviceId);
}
