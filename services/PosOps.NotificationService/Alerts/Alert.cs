using PosOps.Contracts.Incidents;

namespace PosOps.NotificationService;

/// <summary>
/// What ops are told: one per (incident, transition). <see cref="EventId"/> is the integration event
/// id, stable across redeliveries, so it is the dedupe key.
/// </summary>
public sealed record Alert(
    Guid EventId,
    string Kind,
    Guid IncidentId,
    string DeviceId,
    string StoreId,
    string? Component,
    string FaultCode,
    Severity? Severity,
    string Text,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt)
{
    public string Key(string channel) => $"{EventId:N}:{channel}";

    public static Alert From(IncidentOpened e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.EventId, "incident.opened", e.IncidentId, e.DeviceId, e.StoreId, e.Component, e.FaultCode, e.Severity,
            $"[{e.Severity}] {e.FaultCode} on {e.DeviceId} (store {e.StoreId}): incident opened", e.OccurredAt, e.RecordedAt);
    }

    public static Alert From(IncidentEscalated e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.EventId, "incident.escalated", e.IncidentId, e.DeviceId, e.StoreId, null, e.FaultCode, null,
            $"ESCALATED (level {e.Level}, {e.Kind}) {e.FaultCode} on {e.DeviceId} (store {e.StoreId}): {e.Reason}", e.OccurredAt, e.RecordedAt);
    }

    public static Alert From(IncidentResolved e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.EventId, "incident.resolved", e.IncidentId, e.DeviceId, e.StoreId, null, e.FaultCode, null,
            $"{e.FaultCode} on {e.DeviceId} (store {e.StoreId}) resolved: {e.Reason}", e.OccurredAt, e.RecordedAt);
    }
}
