using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using PosOps.IncidentService.Incidents;
using Wire = PosOps.Contracts.Incidents;

namespace PosOps.IncidentService.Publishing;

/// <summary>
/// Publish after commit (design principle 3): a Marten subscription reads committed events in order
/// and publishes integration events. The message id is the stored event's id, so a republish after a
/// crash is recognised downstream. A failure stops here and is retried by the daemon, never skipped.
/// </summary>
public sealed partial class IncidentEventsPublisher : SubscriptionBase
{
    private readonly IBus bus;
    private readonly ILogger<IncidentEventsPublisher> logger;

    public IncidentEventsPublisher(IBus bus, ILogger<IncidentEventsPublisher> logger)
    {
        this.bus = bus;
        this.logger = logger;
        Name = "IncidentEventsPublisher";
    }

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        foreach (var e in page.Events)
        {
            switch (e.Data)
            {
                case IncidentOpened opened:
                    await bus.Publish(
                        new Wire.IncidentOpened(e.Id, opened.IncidentId, opened.DeviceId, opened.StoreId, opened.Component, opened.FaultCode, opened.Severity, opened.OccurredAt, e.Timestamp),
                        ctx => ctx.MessageId = e.Id,
                        cancellationToken);
                    LogPublished("IncidentOpened", opened.IncidentId, opened.DeviceId);
                    break;
                case IncidentResolved resolved:
                    await bus.Publish(
                        new Wire.IncidentResolved(e.Id, resolved.IncidentId, resolved.DeviceId, resolved.StoreId, resolved.FaultCode, resolved.Reason, resolved.OccurredAt, e.Timestamp),
                        ctx => ctx.MessageId = e.Id,
                        cancellationToken);
                    LogPublished("IncidentResolved", resolved.IncidentId, resolved.DeviceId);
                    break;
            }
        }

        return NullChangeListener.Instance;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {Kind} for incident {IncidentId} on device {DeviceId}")]
    private partial void LogPublished(string kind, Guid incidentId, string deviceId);
}
