using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using PosOps.Contracts;
using PosOps.Contracts.Commands;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Registry;
using PosOps.IncidentService.Remediation;
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
    private readonly AgentCommandPublisher commands;
    private readonly DependencyGuard guard;
    private readonly ParkedEvents parked;
    private readonly TimeProvider clock;
    private readonly ILogger<IncidentEventsPublisher> logger;
    private IDocumentOperations? operations;

    public IncidentEventsPublisher(IBus bus, AgentCommandPublisher commands, DependencyGuard guard, ParkedEvents parked, TimeProvider clock, ILogger<IncidentEventsPublisher> logger)
    {
        this.bus = bus;
        this.commands = commands;
        this.guard = guard;
        this.parked = parked;
        this.clock = clock;
        this.logger = logger;
        Name = "IncidentEventsPublisher";
    }

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(operations);
        this.operations = operations; // parked events are stored with this page's progress
        var facts = new Dictionary<Guid, IncidentView?>();
        async Task<IncidentView?> ViewAsync(Guid incidentId)
        {
            if (!facts.TryGetValue(incidentId, out var view))
            {
                facts[incidentId] = view = await operations.LoadAsync<IncidentView>(incidentId, cancellationToken);
            }

            return view;
        }

        var stores = new Dictionary<string, StoreRegistration?>(StringComparer.Ordinal);
        async Task<StoreRegistration?> StoreAsync(string storeId)
        {
            if (!stores.TryGetValue(storeId, out var registration))
            {
                stores[storeId] = registration = storeId.Length == 0 ? null : await operations.LoadAsync<StoreRegistration>(storeId, cancellationToken);
            }

            return registration;
        }

        // A connectivity incident's alert waits for the store correlation: until its release, its other
        // transitions are not published alone (NotificationService would hear of an incident it never saw open).
        async Task<bool> WaitingAsync(IDeviceEvent data, long sequence) => data switch
        {
            IncidentAcknowledged or IncidentMitigated or IncidentEscalated or IncidentReopened or IncidentVerified or IncidentClosed or IncidentResolved
                when await ViewAsync(((IIncidentEvent)data).IncidentId) is { AlertHeld: true } view
                => view.AlertReleasedSequence is not { } released || released > sequence,
            _ => false,
        };

        foreach (var e in page.Events)
        {
            if (e.Data is IDeviceEvent data && await WaitingAsync(data, e.Sequence))
            {
                continue;
            }

            switch (e.Data)
            {
                case IncidentAcknowledged a:
                    await PublishAsync(new Wire.IncidentAcknowledged(e.Id, a.IncidentId, a.DeviceId, (await ViewAsync(a.IncidentId))?.StoreId ?? "", a.By, a.OccurredAt, e.Timestamp), e, cancellationToken);
                    break;
                case IncidentMitigated m:
                    await PublishAsync(new Wire.IncidentMitigated(e.Id, m.IncidentId, m.DeviceId, (await ViewAsync(m.IncidentId))?.StoreId ?? "", m.Workaround, m.By, m.OccurredAt, e.Timestamp), e, cancellationToken);
                    break;
                case IncidentEscalated x:
                    var escalatedView = await ViewAsync(x.IncidentId);
                    await PublishAsync(new Wire.IncidentEscalated(e.Id, x.IncidentId, x.DeviceId, escalatedView?.StoreId ?? "", escalatedView?.FaultCode ?? "", x.Kind, x.Level, x.Reason, x.OccurredAt, e.Timestamp), e, cancellationToken);
                    LogPublished("IncidentEscalated", x.IncidentId, x.DeviceId);
                    break;
                case IncidentReopened r:
                    await PublishAsync(new Wire.IncidentReopened(e.Id, r.IncidentId, r.DeviceId, (await ViewAsync(r.IncidentId))?.StoreId ?? "", r.FaultCode, r.FlapCount, r.Reason, r.OccurredAt, e.Timestamp), e, cancellationToken);
                    break;
                case IncidentVerified v:
                    await PublishAsync(new Wire.IncidentVerified(e.Id, v.IncidentId, v.DeviceId, (await ViewAsync(v.IncidentId))?.StoreId ?? "", v.OccurredAt, e.Timestamp), e, cancellationToken);
                    break;
                case IncidentClosed c:
                    await PublishAsync(new Wire.IncidentClosed(e.Id, c.IncidentId, c.DeviceId, (await ViewAsync(c.IncidentId))?.StoreId ?? "", c.By, c.OccurredAt, e.Timestamp), e, cancellationToken);
                    break;
                case IncidentOpened opened when opened.AlertHeld || !StreamIds.IsTerminal(opened.DeviceId):
                    break; // released later, or announced as a store or platform outage
                case IncidentOpened opened:
                    var openedStore = await StoreAsync(opened.StoreId);
                    await PublishAsync(
                        new Wire.IncidentOpened(e.Id, opened.IncidentId, opened.DeviceId, opened.StoreId, opened.Component, opened.FaultCode, opened.Severity, opened.OccurredAt, e.Timestamp,
                            openedStore?.Region, openedStore?.Tags),
                        e, cancellationToken);
                    LogPublished("IncidentOpened", opened.IncidentId, opened.DeviceId);
                    break;
                case IncidentAlertReleased released when await ViewAsync(released.IncidentId) is { } held:
                    var heldStore = await StoreAsync(held.StoreId);
                    await PublishAsync(
                        new Wire.IncidentOpened(e.Id, held.Id, held.DeviceId, held.StoreId, held.Component, held.FaultCode, held.Severity, held.OpenedAt, e.Timestamp,
                            heldStore?.Region, heldStore?.Tags, released.HeldBackBy),
                        e, cancellationToken, held.TraceParent);
                    LogPublished(released.HeldBackBy is null ? "IncidentOpened (after the correlation hold)" : "IncidentOpened (held back by a store or platform incident)", held.Id, held.DeviceId);
                    break;
                case StoreOutageDetected so:
                    var outageStore = await StoreAsync(so.StoreId);
                    await PublishAsync(new Wire.StoreOutageDetected(e.Id, so.IncidentId, so.StoreId, so.Cause, so.DeviceIds, so.StoreTerminals, so.OccurredAt, e.Timestamp,
                        outageStore?.Region, outageStore?.Tags), e, cancellationToken);
                    LogPublished("StoreOutageDetected", so.IncidentId, so.DeviceId);
                    break;
                case StoreOutageResolved sr:
                    await PublishAsync(new Wire.StoreOutageResolved(e.Id, sr.IncidentId, sr.StoreId, sr.Reason, sr.OccurredAt, e.Timestamp), e, cancellationToken);
                    break;
                case PlatformOutageDetected po:
                    await PublishAsync(new Wire.PlatformOutageDetected(e.Id, po.IncidentId, po.Cause, po.SilentDevices, po.FleetSize, po.OccurredAt, e.Timestamp), e, cancellationToken);
                    LogPublished("PlatformOutageDetected", po.IncidentId, po.DeviceId);
                    break;
                case PlatformOutageResolved pr:
                    await PublishAsync(new Wire.PlatformOutageResolved(e.Id, pr.IncidentId, pr.Reason, pr.OccurredAt, e.Timestamp), e, cancellationToken);
                    break;
                case CommandIssued issued:
                    await PublishAsync(
                        new AgentCommand(issued.CommandId, issued.DeviceId, issued.Command, issued.OccurredAt, issued.ExpiresAt, issued.Network, issued.NoticeEn, issued.NoticeZh),
                        e, cancellationToken);
                    break;
                case IncidentResolved resolved when !StreamIds.IsTerminal(resolved.DeviceId):
                    break; // announced as StoreOutageResolved / PlatformOutageResolved
                case IncidentResolved resolved:
                    await PublishAsync(
                        new Wire.IncidentResolved(e.Id, resolved.IncidentId, resolved.DeviceId, resolved.StoreId, resolved.FaultCode, resolved.Reason, resolved.OccurredAt, e.Timestamp),
                        e, cancellationToken);
                    LogPublished("IncidentResolved", resolved.IncidentId, resolved.DeviceId);
                    break;
            }
        }

        return NullChangeListener.Instance;
    }

    // An exception escaping a subscription pauses it, so a broker outage is waited out here, in order, at
    // this event: nothing is skipped and nothing later overtakes it. An event that can never be published
    // (a permanent failure) is parked with its reason and a platform alert, and the events after it flow on.
    private async Task PublishAsync<T>(T message, IEvent stored, CancellationToken cancellationToken, string? openedInTrace = null)
        where T : class
    {
        using var span = EventTracing.StartPublish(stored, typeof(T).Name, openedInTrace);
        try
        {
            await guard.RunAsync(Loop, ct => SendAsync(message, stored.Id, stored.Sequence, ct), cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var entry = parked.Record(stored, typeof(T).Name, e, clock.GetUtcNow());
            operations!.Store(entry);
            LogParked(typeof(T).Name, stored.Sequence, entry.Reason, e);
            var alert = ParkedEvents.Alert(entry);
            await guard.RunAsync(Loop, ct => SendAsync(alert, alert.EventId, stored.Sequence, ct), cancellationToken);
        }
    }

    private const string Loop = "after-commit publisher";

    private async Task SendAsync<T>(T message, Guid messageId, long sequence, CancellationToken cancellationToken)
        where T : class
    {
        if (message is AgentCommand command)
        {
            await commands.PublishAsync(command, cancellationToken);
            return;
        }

        await bus.Publish(message, ctx =>
        {
            ctx.MessageId = messageId;
            ctx.Headers.Set(WireNames.EventSequenceHeader, sequence);
        }, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Parked {Kind} (event sequence {Sequence}): it cannot be published ({Reason}); the events after it go on")]
    private partial void LogParked(string kind, long sequence, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {Kind} for incident {IncidentId} on device {DeviceId}")]
    private partial void LogPublished(string kind, Guid incidentId, string deviceId);
}
