using JasperFx.Events;
using Marten.Events.Projections;
using PosOps.Contracts.Incidents;

namespace PosOps.IncidentService.Incidents;

/// <summary>Read model of one incident, kept inline so the API sees it right after the commit.</summary>
public sealed record IncidentView(
    Guid Id,
    string DeviceId,
    string StoreId,
    string Component,
    string FaultCode,
    Severity Severity,
    IncidentStatus Status,
    DateTimeOffset OpenedAt,
    DateTimeOffset RecordedAt,
    DateTimeOffset? ResolvedAt,
    string? ResolvedReason)
{
    public string? AcknowledgedBy { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; init; }

    public string? Workaround { get; init; }

    public int FlapCount { get; init; }

    public bool Flapping { get; init; }

    public DateTimeOffset? VerifiedAt { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>Stream version of the last change, for If-Match on incident actions.</summary>
    public long Version { get; init; }
}

public sealed class IncidentViewProjection : MultiStreamProjection<IncidentView, Guid>
{
    public IncidentViewProjection()
    {
        Identity<IncidentOpened>(e => e.IncidentId);
        Identity<IncidentAcknowledged>(e => e.IncidentId);
        Identity<IncidentMitigated>(e => e.IncidentId);
        Identity<IncidentResolved>(e => e.IncidentId);
        Identity<IncidentReopened>(e => e.IncidentId);
        Identity<IncidentEscalated>(e => e.IncidentId);
        Identity<IncidentVerified>(e => e.IncidentId);
        Identity<IncidentClosed>(e => e.IncidentId);
    }

    public static IncidentView Create(IEvent<IncidentOpened> e) =>
        new(e.Data.IncidentId, e.Data.DeviceId, e.Data.StoreId, e.Data.Component, e.Data.FaultCode, e.Data.Severity,
            IncidentStatus.Open, e.Data.OccurredAt, e.Timestamp, null, null) { Version = e.Version };

    public static IncidentView Apply(IEvent<IncidentAcknowledged> e, IncidentView view) =>
        view with { Status = IncidentStatus.Acknowledged, AcknowledgedBy = e.Data.By, AcknowledgedAt = e.Data.OccurredAt, Version = e.Version };

    public static IncidentView Apply(IEvent<IncidentMitigated> e, IncidentView view) =>
        view with { Status = IncidentStatus.Mitigated, Workaround = e.Data.Workaround, Version = e.Version };

    public static IncidentView Apply(IEvent<IncidentResolved> e, IncidentView view) =>
        view with { Status = IncidentStatus.Resolved, ResolvedAt = e.Data.OccurredAt, ResolvedReason = e.Data.Reason, Version = e.Version };

    public static IncidentView Apply(IEvent<IncidentReopened> e, IncidentView view) =>
        view with { Status = IncidentStatus.Open, FlapCount = e.Data.FlapCount, ResolvedAt = null, ResolvedReason = null, Version = e.Version };

    public static IncidentView Apply(IEvent<IncidentEscalated> e, IncidentView view) =>
        view with { Flapping = view.Flapping || e.Data.Kind == IncidentEscalated.Flapping, Version = e.Version };

    public static IncidentView Apply(IEvent<IncidentVerified> e, IncidentView view) =>
        view with { Status = IncidentStatus.Verified, VerifiedAt = e.Data.OccurredAt, Version = e.Version };

    public static IncidentView Apply(IEvent<IncidentClosed> e, IncidentView view) =>
        view with { Status = IncidentStatus.Closed, ClosedAt = e.Data.OccurredAt, Version = e.Version };
}
