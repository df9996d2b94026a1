
namespace PosOps.IncidentService.Incidents;

/// <summary>The incident's runbook began (on open, and again on reopen).</summary>
public sealed record RunbookStarted(string DeviceId, Guid IncidentId, string RunbookId, DateTimeOffset OccurredAt) : IIncidentEvent;

/// <summary>
/// A step began. The texts say what to do with the registry filled in (the vendor's model and serial,
/// the ISP's line id); <see cref="CommandId"/> is the agent command of an automatic step.
/// </summary>
public sealed record RunbookStepStarted(
    string DeviceId,
    Guid IncidentId,
    string RunbookId,
    string StepId,
    string Kind,
    int Attempt,
    string TextEn,
    string TextZh,
    Guid? CommandId,
    int TimeoutSeconds,
    int SettleSeconds,
    DateTimeOffset OccurredAt) : IIncidentEvent;

/// <summary>The step did what it should (command answered, ops ticked it, backup assigned…).</summary>
public sealed record RunbookStepCompleted(string DeviceId, Guid IncidentId, string StepId, string Outcome, string By, DateTimeOffset OccurredAt) : IIncidentEvent;

/// <summary>The step did not fix it or could not be done; the runbook branches on it.</summary>
public sealed record RunbookStepFailed(string DeviceId, Guid IncidentId, string StepId, string Reason, string By, DateTimeOffset OccurredAt) : IIncidentEvent;

/// <summary>
/// No answer in time. An automatic step moves on (as failed); a manual or contact step is overdue:
/// the incident escalates and the step stays open for ops.
/// </summary>
public sealed record RunbookStepTimedOut(string DeviceId, Guid IncidentId, string StepId, int TimeoutSeconds, DateTimeOffset OccurredAt) : IIncidentEvent;

/// <summary>The runbook stopped: the fault cleared, a step ended it, or the steps ran out.</summary>
public sealed record RunbookFinished(string DeviceId, Guid IncidentId, string RunbookId, string Outcome, DateTimeOffset OccurredAt) : IIncidentEvent;

/// <summary>Continuity: a backup terminal takes over the incident's device (a mitigation).</summary>
public sealed record BackupTerminalAssigned(string DeviceId, Guid IncidentId, string BackupDeviceId, string By, DateTimeOffset OccurredAt) : IIncidentEvent;
