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
