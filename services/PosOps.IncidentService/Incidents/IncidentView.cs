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

    /// <summary>The W3C trace the incident opened in, for its alert when a timer releases it later.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The opened alert waits for the store correlation (connectivity faults).</summary>
    public bool AlertHeld { get; init; }

    /// <summary>Global event sequence of the alert's release; transitions before it are not published alone.</summary>
    public long? AlertReleasedSequence { get; init; }

    /// <summary>The store or platform incident that covers this one.</summary>
    public Guid? CoveredBy { get; init; }

    /// <summary>For a store incident: the terminals out when it opened.</summary>
    public IReadOnlyList<string> AffectedDevices { get; init; } = [];

    public string? BackupDeviceId { get; init; }

    public string? RunbookId { get; init; }

    /// <summary>running, finished: …</summary>
    public string? RunbookStatus { get; init; }

    /// <summary>Every step started so far, in order (a step started twice appears twice).</summary>
    public IReadOnlyList<RunbookStepView> Steps { get; init; } = [];
}

/// <summary>A runbook step as ops see it: what to do (both languages), its state and outcome.</summary>
public sealed record RunbookStepView(
    string StepId, string Kind, int Attempt, string TextEn, string TextZh, string Status, DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt = null, string? Outcome = null, string? By = null, Guid? CommandId = null);

public sealed class IncidentViewProjection : MultiStreamProjection<IncidentView, Guid>
{
    public IncidentViewProjection()
    {
        Identity<IIncidentEvent>(e => e.IncidentId);
    }

    public static IncidentView Create(IEvent<IncidentOpened> e) =>
        new(e.Data.IncidentId, e.Data.DeviceId, e.Data.StoreId, e.Data.Component, e.Data.FaultCode, e.Data.Severity,
            IncidentStatus.Open, e.Data.OccurredAt, e.Timestamp, null, null) { Version = e.Version, AlertHeld = e.Data.AlertHeld, TraceParent = e.GetHeader(EventTracing.TraceParentHeader)?.ToString() };

    public static IncidentView Apply(IEvent<IncidentAlertReleased> e, IncidentView view) => view with { AlertReleasedSequence = e.Sequence, CoveredBy = e.Data.HeldBackBy ?? view.CoveredBy };

    public static IncidentView Apply(IncidentLinked e, IncidentView view) => view with { CoveredBy = e.CoveredBy };

    public static IncidentView Apply(StoreOutageDetected e, IncidentView view) => view with { AffectedDevices = e.DeviceIds };

    public static IncidentView Apply(BackupTerminalAssigned e, IncidentView view) => view with { BackupDeviceId = e.BackupDeviceId };

    public static IncidentView Apply(RunbookStarted e, IncidentView view) => view with { RunbookId = e.RunbookId, RunbookStatus = "running" };

    public static IncidentView Apply(RunbookStepStarted e, IncidentView view) => view with
    {
        Steps = [.. view.Steps, new RunbookStepView(e.StepId, e.Kind, e.Attempt, e.TextEn, e.TextZh, "running", e.OccurredAt, CommandId: e.CommandId)],
    };

    public static IncidentView Apply(RunbookStepCompleted e, IncidentView view) => EndStep(view, e.StepId, "completed", e.Outcome, e.By, e.OccurredAt);

    public static IncidentView Apply(RunbookStepFailed e, IncidentView view) => EndStep(view, e.StepId, "failed", e.Reason, e.By, e.OccurredAt);

    public static IncidentView Apply(RunbookStepTimedOut e, IncidentView view) => view with
    {
        Steps = [.. view.Steps.Select((s, i) => i == view.Steps.Count - 1 && s.StepId == e.StepId ? s with { Status = "overdue" } : s)],
    };

    public static IncidentView Apply(RunbookFinished e, IncidentView view) => view with { RunbookStatus = "finished: " + e.Outcome };

    private static IncidentView EndStep(IncidentView view, string stepId, string status, string outcome, string by, DateTimeOffset at) => view with
    {
        Steps = [.. view.Steps.Select((s, i) => i == view.Steps.Count - 1 && s.StepId == stepId ? s with { Status = status, Outcome = outcome, By = by, EndedAt = at } : s)],
    };

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
