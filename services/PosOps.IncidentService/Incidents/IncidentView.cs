using JasperFx.Events;
using Marten.Events.Projections;
using PosOps.Contracts.Incidents;

namespace PosOps.IncidentService.Incidents;

public enum IncidentStatus
{
    Open,
    Resolved,
}

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
    string? ResolvedReason);

public sealed class IncidentViewProjection : MultiStreamProjection<IncidentView, Guid>
{
    public IncidentViewProjection()
    {
        Identity<IncidentOpened>(e => e.IncidentId);
        Identity<IncidentResolved>(e => e.IncidentId);
    }

    public static IncidentView Create(IEvent<IncidentOpened> e) =>
        new(e.Data.IncidentId, e.Data.DeviceId, e.Data.StoreId, e.Data.Component, e.Data.FaultCode, e.Data.Severity,
            IncidentStatus.Open, e.Data.OccurredAt, e.Timestamp, null, null);

    public static IncidentView Apply(IncidentResolved e, IncidentView view) =>
        view with { Status = IncidentStatus.Resolved, ResolvedAt = e.OccurredAt, ResolvedReason = e.Reason };
}
