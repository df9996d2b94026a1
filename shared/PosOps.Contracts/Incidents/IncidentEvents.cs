namespace PosOps.Contracts.Incidents;

/// <summary>Severity: what the store can still do.</summary>
public enum Severity
{
    /// <summary>Nothing a customer notices.</summary>
    Minor,

    /// <summary>Card payments work, something is missing (e.g. no receipts).</summary>
    Degraded,

    /// <summary>No card payments on this terminal.</summary>
    Blocking,
}

/// <summary>
/// Integration event, published only after the incident's events are committed.
/// <see cref="EventId"/> is stable per (incident, transition): downstream deduplicates on it.
/// </summary>
/// <param name="RecordedAt">Server time the stored event was committed.</param>
/// <param name="OccurredAt">Device time the fault happened.</param>
public sealed record IncidentOpened(
    Guid EventId,
    Guid IncidentId,
    string DeviceId,
    string StoreId,
    string Component,
    string FaultCode,
    Severity Severity,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt);

/// <summary>Integration event: the fault behind an incident cleared. Published after commit.</summary>
public sealed record IncidentResolved(
    Guid EventId,
    Guid IncidentId,
    string DeviceId,
    string StoreId,
    string FaultCode,
    string Reason,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt);

/// <summary>Integration event: ops took the incident. Published after commit.</summary>
public sealed record IncidentAcknowledged(
    Guid EventId, Guid IncidentId, string DeviceId, string StoreId, string By, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt);

/// <summary>Integration event: a workaround keeps the store trading (backup terminal, offline mode, other network).</summary>
public sealed record IncidentMitigated(
    Guid EventId, Guid IncidentId, string DeviceId, string StoreId, string Workaround, string By, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt);

/// <summary>Integration event: escalated (<c>unacknowledged</c> with a level, or <c>flapping</c>).</summary>
public sealed record IncidentEscalated(
    Guid EventId, Guid IncidentId, string DeviceId, string StoreId, string FaultCode, string Kind, int Level, string Reason, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt);

/// <summary>Integration event: the fault came back before verification; <c>FlapCount</c> counts reopens.</summary>
public sealed record IncidentReopened(
    Guid EventId, Guid IncidentId, string DeviceId, string StoreId, string FaultCode, int FlapCount, string Reason, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt);

/// <summary>Integration event: the follow-up check passed.</summary>
public sealed record IncidentVerified(
    Guid EventId, Guid IncidentId, string DeviceId, string StoreId, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt);

/// <summary>Integration event: the incident is closed.</summary>
public sealed record IncidentClosed(
    Guid EventId, Guid IncidentId, string DeviceId, string StoreId, string By, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt);
