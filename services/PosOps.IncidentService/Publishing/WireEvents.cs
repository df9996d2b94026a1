using JasperFx.Events;
using Marten;
using PosOps.Contracts.Commands;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Registry;
using Wire = PosOps.Contracts.Incidents;

namespace PosOps.IncidentService.Publishing;

/// <summary>
/// What a committed event becomes on the wire: an integration event, a command for an agent, or nothing.
/// The facts an event does not carry (store, region, tags) come from the read models of one page,
/// looked up once per page.
/// </summary>
public sealed class WireEvents(IQuerySession session, CancellationToken cancellationToken)
{
    private readonly Dictionary<Guid, IncidentView?> views = [];
    private readonly Dictionary<string, StoreRegistration?> stores = new(StringComparer.Ordinal);

    /// <summary>The stored event types the publisher reads.</summary>
    public static readonly Type[] StoredTypes =
    [
        typeof(IncidentOpened), typeof(IncidentResolved), typeof(CommandIssued), typeof(IncidentAcknowledged), typeof(IncidentMitigated),
        typeof(IncidentEscalated), typeof(IncidentReopened), typeof(IncidentVerified), typeof(IncidentClosed), typeof(IncidentAlertReleased),
        typeof(StoreOutageDetected), typeof(StoreOutageResolved), typeof(PlatformOutageDetected), typeof(PlatformOutageResolved),
    ];

    /// <summary>Transitions of an incident after its opening: held back with it while its alert is held.</summary>
    public static bool IsLaterTransition(IDeviceEvent data) =>
        data is IncidentAcknowledged or IncidentMitigated or IncidentEscalated or IncidentReopened or IncidentVerified or IncidentClosed or IncidentResolved;

    public async Task<IncidentView?> ViewAsync(Guid incidentId)
    {
        if (!views.TryGetValue(incidentId, out var view))
        {
            views[incidentId] = view = await session.LoadAsync<IncidentView>(incidentId, cancellationToken);
        }

        return view;
    }

    private async Task<StoreRegistration?> StoreAsync(string storeId)
    {
        if (!stores.TryGetValue(storeId, out var registration))
        {
            stores[storeId] = registration = storeId.Length == 0 ? null : await session.LoadAsync<StoreRegistration>(storeId, cancellationToken);
        }

        return registration;
    }

    private async Task<string> StoreOfAsync(Guid incidentId) => (await ViewAsync(incidentId))?.StoreId ?? "";

    /// <summary>The wire message for a stored event (<see cref="Wire.IIntegrationEvent"/> or <see cref="AgentCommand"/>), or null.</summary>
    public async Task<object?> ForAsync(IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        switch (e.Data)
        {
            case IncidentAcknowledged a:
                return new Wire.IncidentAcknowledged(e.Id, a.IncidentId, a.DeviceId, await StoreOfAsync(a.IncidentId), a.By, a.OccurredAt, e.Timestamp);
            case IncidentMitigated m:
                return new Wire.IncidentMitigated(e.Id, m.IncidentId, m.DeviceId, await StoreOfAsync(m.IncidentId), m.Workaround, m.By, m.OccurredAt, e.Timestamp);
            case IncidentEscalated x:
                var escalated = await ViewAsync(x.IncidentId);
                return new Wire.IncidentEscalated(e.Id, x.IncidentId, x.DeviceId, escalated?.StoreId ?? "", escalated?.FaultCode ?? "", x.Kind, x.Level, x.Reason, x.OccurredAt, e.Timestamp);
            case IncidentReopened r:
                return new Wire.IncidentReopened(e.Id, r.IncidentId, r.DeviceId, await StoreOfAsync(r.IncidentId), r.FaultCode, r.FlapCount, r.Reason, r.OccurredAt, e.Timestamp);
            case IncidentVerified v:
                return new Wire.IncidentVerified(e.Id, v.IncidentId, v.DeviceId, await StoreOfAsync(v.IncidentId), v.OccurredAt, e.Timestamp);
            case IncidentClosed c:
                return new Wire.IncidentClosed(e.Id, c.IncidentId, c.DeviceId, await StoreOfAsync(c.IncidentId), c.By, c.OccurredAt, e.Timestamp);
            case IncidentOpened opened when opened.AlertHeld || !StreamIds.IsTerminal(opened.DeviceId):
                return null; // released later, or announced as a store or platform outage
            case IncidentOpened opened:
                var store = await StoreAsync(opened.StoreId);
                return new Wire.IncidentOpened(e.Id, opened.IncidentId, opened.DeviceId, opened.StoreId, opened.Component, opened.FaultCode, opened.Severity, opened.OccurredAt, e.Timestamp,
                    store?.Region, store?.Tags);
            case IncidentAlertReleased released when await ViewAsync(released.IncidentId) is { } held:
                var heldStore = await StoreAsync(held.StoreId);
                return new Wire.IncidentOpened(e.Id, held.Id, held.DeviceId, held.StoreId, held.Component, held.FaultCode, held.Severity, held.OpenedAt, e.Timestamp,
                    heldStore?.Region, heldStore?.Tags, released.HeldBackBy);
            case StoreOutageDetected so:
                var outageStore = await StoreAsync(so.StoreId);
                return new Wire.StoreOutageDetected(e.Id, so.IncidentId, so.StoreId, so.Cause, so.DeviceIds, so.StoreTerminals, so.OccurredAt, e.Timestamp, outageStore?.Region, outageStore?.Tags);
            case StoreOutageResolved sr:
                return new Wire.StoreOutageResolved(e.Id, sr.IncidentId, sr.StoreId, sr.Reason, sr.OccurredAt, e.Timestamp);
            case PlatformOutageDetected po:
                return new Wire.PlatformOutageDetected(e.Id, po.IncidentId, po.Cause, po.SilentDevices, po.FleetSize, po.OccurredAt, e.Timestamp);
            case PlatformOutageResolved pr:
                return new Wire.PlatformOutageResolved(e.Id, pr.IncidentId, pr.Reason, pr.OccurredAt, e.Timestamp);
            case CommandIssued issued:
                return new AgentCommand(issued.CommandId, issued.DeviceId, issued.Command, issued.OccurredAt, issued.ExpiresAt, issued.Network, issued.NoticeEn, issued.NoticeZh);
            case IncidentResolved resolved when !StreamIds.IsTerminal(resolved.DeviceId):
                return null; // announced as StoreOutageResolved / PlatformOutageResolved
            case IncidentResolved resolved:
                return new Wire.IncidentResolved(e.Id, resolved.IncidentId, resolved.DeviceId, resolved.StoreId, resolved.FaultCode, resolved.Reason, resolved.OccurredAt, e.Timestamp);
            default:
                return null;
        }
    }

    /// <summary>
    /// A held incident's transitions committed before its release (acknowledged, mitigated, …), in commit
    /// order: they follow the opening when it is published, instead of never being sent.
    /// </summary>
    public async Task<IReadOnlyList<IEvent>> HeldTransitionsAsync(IncidentView held, long releasedAt)
    {
        ArgumentNullException.ThrowIfNull(held);
        var events = await session.Events.QueryAllRawEvents()
            .Where(x => x.StreamKey == held.DeviceId && x.Timestamp >= held.RecordedAt && x.Sequence < releasedAt)
            .OrderBy(x => x.Sequence)
            .ToListAsync(cancellationToken);
        return events.Where(x => x.Data is IDeviceEvent d && IsLaterTransition(d) && ((IIncidentEvent)d).IncidentId == held.Id).ToList();
    }
}
