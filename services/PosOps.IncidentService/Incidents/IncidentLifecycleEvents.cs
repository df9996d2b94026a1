namespace PosOps.IncidentService.Incidents;

/// <summary>Heartbeats resumed after a silence; the gap is kept for MTTR and audit.</summary>
public sealed record SilenceEnded(string DeviceId, DateTimeOffset SilentSince, DateTimeOffset BackAt, double GapSeconds) : IDeviceEvent;

/// <summary>Ops took the incident (stops the unacknowledged escalation).</summary>
public sealed record IncidentAcknowledged(string DeviceId, Guid IncidentId, string By, DateTimeOffset OccurredAt) : IIncidentEvent;

/// <summary>A workaround keeps the store trading: backup terminal, offline mode, another network.</summary>
public sealed record IncidentMitigated(string DeviceId, Guid IncidentId, string Workaround, string By, DateTimeOffset OccurredAt) : IIncidentEvent;

/// <summary>The fault came back before the incident was verified; <see cref="FlapCount"/> counts reopens.</summary>
public sealed record IncidentReopened(string DeviceId, Guid IncidentId, string FaultCode, int FlapCount, string Reason, DateTimeOffset OccurredAt) : IIncidentEvent;

/// <summary>Raised to the next level: not acknowledged in time, a step overdue, or flapping.</summary>
public sealed record IncidentEscalated(string DeviceId, Guid IncidentId, string Kind, string Reason, DateTimeOffset OccurredAt, int Level = 1) : IIncidentEvent
{
    public const string Flapping = "flapping";
    public const string Unacknowledged = "unacknowledged";
    public const string StepOverdue = "step-overdue";
    public const string RunbookExhausted = "runbook-exhausted";
}

/// <summary>The follow-up check passed: healthy for the whole window and offline transactions reconciled.</summary>
public sealed record IncidentVerified(string DeviceId, Guid IncidentId, DateTimeOffset OccurredAt) : IIncidentEvent;

/// <summary>The follow-up check did not pass; the incident reopens.</summary>
public sealed record FollowUpFailed(string DeviceId, Guid IncidentId, string Reason, DateTimeOffset OccurredAt) : IDeviceEvent;

/// <summary>The incident's story is over; it never changes again.</summary>
public sealed record IncidentClosed(string DeviceId, Guid IncidentId, string By, DateTimeOffset OccurredAt) : IIncidentEvent;
