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
/// <param name="Region">The store's region from the registry, for routing.</param>
/// <param name="Tags">The store's tags from the registry, for routing.</param>
/// <param name="HeldBackBy">
/// Set when a store or platform incident covers this one: record the alert, do not send it
/// (the store or platform incident alerts once for all of them).
/// </param>
public sealed record IncidentOpened(
    Guid EventId,
    Guid IncidentId,
    string DeviceId,
    string StoreId,
    string Component,
    string FaultCode,
    Severity Severity,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt,
    string? Region = null,
    IReadOnlyList<string>? Tags = null,
    Guid? HeldBackBy = null) : IIntegrationEvent;

/// <summary>Integration event: the fault behind an incident cleared. Published after commit.</summary>
public sealed record IncidentResolved(
    Guid EventId,
    Guid IncidentId,
    string DeviceId,
    string StoreId,
    string FaultCode,
    string Reason,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt) : IIntegrationEvent;

/// <summary>Integration event: ops took the incident. Published after commit.</summary>
public sealed record IncidentAcknowledged(
    Guid EventId, Guid IncidentId, string DeviceId, string StoreId, string By, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt) : IIntegrationEvent;

/// <summary>Integration event: a workaround keeps the store trading (backup terminal, offline mode, other network).</summary>
public sealed record IncidentMitigated(
    Guid EventId, Guid IncidentId, string DeviceId, string StoreId, string Workaround, string By, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt) : IIntegrationEvent;

/// <summary>Integration event: escalated (<c>unacknowledged</c> with a level, or <c>flapping</c>).</summary>
public sealed record IncidentEscalated(
    Guid EventId, Guid IncidentId, string DeviceId, string StoreId, string FaultCode, string Kind, int Level, string Reason, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt) : IIntegrationEvent;

/// <summary>Integration event: the fault came back before verification; <c>FlapCount</c> counts reopens.</summary>
public sealed record IncidentReopened(
    Guid EventId, Guid IncidentId, string DeviceId, string StoreId, string FaultCode, int FlapCount, string Reason, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt) : IIntegrationEvent;

/// <summary>Integration event: the follow-up check passed.</summary>
public sealed record IncidentVerified(
    Guid EventId, Guid IncidentId, string DeviceId, string StoreId, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt) : IIntegrationEvent;

/// <summary>Integration event: the incident is closed.</summary>
public sealed record IncidentClosed(
    Guid EventId, Guid IncidentId, string DeviceId, string StoreId, string By, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt) : IIntegrationEvent;

/// <summary>
/// Integration event: most of one store's terminals lost network or went silent together (router or
/// ISP). One store incident (its own stream) links the device incidents and holds back their alerts.
/// </summary>
/// <param name="Cause"><c>network</c> or <c>silent</c>: what the linked terminals have in common.</param>
/// <param name="DeviceIds">The terminals the store incident covers when it opened.</param>
/// <param name="StoreTerminals">How many terminals the store has in the registry.</param>
public sealed record StoreOutageDetected(
    Guid EventId, Guid IncidentId, string StoreId, string Cause, IReadOnlyList<string> DeviceIds, int StoreTerminals, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, string? Region = null, IReadOnlyList<string>? Tags = null) : IIntegrationEvent;

/// <summary>Integration event: the store's terminals are back (fewer than the threshold still out).</summary>
public sealed record StoreOutageResolved(
    Guid EventId, Guid IncidentId, string StoreId, string Reason, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt) : IIntegrationEvent;

/// <summary>
/// Integration event: a large share of the whole fleet went silent at once, or no heartbeat arrived at
/// all: an ingestion problem (broker, network, PosOps), not thousands of device incidents.
/// </summary>
/// <param name="Cause"><c>fleet-silent</c> (share of the fleet silent) or <c>no-heartbeats</c> (dead man's switch).</param>
public sealed record PlatformOutageDetected(
    Guid EventId, Guid IncidentId, string Cause, int SilentDevices, int FleetSize, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt) : IIntegrationEvent;

/// <summary>Integration event: heartbeats flow again; the platform incident is resolved.</summary>
public sealed record PlatformOutageResolved(
    Guid EventId, Guid IncidentId, string Reason, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt) : IIntegrationEvent;
