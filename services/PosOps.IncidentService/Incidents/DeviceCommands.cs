using PosOps.Contracts.Agent;
using PosOps.Contracts.Commands;
using PosOps.Contracts.Incidents;

namespace PosOps.IncidentService.Incidents;

public abstract record DeviceCommand(string DeviceId, DateTimeOffset Now);

/// <summary>Something the terminal's agent said; its sequence makes a replay or a late message harmless.</summary>
public abstract record AgentReport(Guid MessageId, string DeviceId, string StoreId, long Sequence, DateTimeOffset OccurredAt, DateTimeOffset Now)
    : DeviceCommand(DeviceId, Now);

/// <summary>The agent reported a fault. <paramref name="NewIncidentId"/> is used only if an incident opens.</summary>
public sealed record RecordFault(
    Guid MessageId, string DeviceId, string StoreId, long Sequence, string Component, string FaultCode, Severity Severity,
    DateTimeOffset OccurredAt, Guid NewIncidentId, DateTimeOffset Now)
    : AgentReport(MessageId, DeviceId, StoreId, Sequence, OccurredAt, Now);

/// <summary>The agent reported that a fault cleared.</summary>
public sealed record RecordFaultCleared(
    Guid MessageId, string DeviceId, string StoreId, long Sequence, string Component, string FaultCode,
    DateTimeOffset OccurredAt, DateTimeOffset Now)
    : AgentReport(MessageId, DeviceId, StoreId, Sequence, OccurredAt, Now);

/// <summary>Ops takes the incident.</summary>
public sealed record AcknowledgeIncident(string DeviceId, Guid IncidentId, string By, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>A workaround is in place (backup terminal, offline mode, other network).</summary>
public sealed record MitigateIncident(string DeviceId, Guid IncidentId, string Workaround, string By, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>Ops says the fault is gone (the follow-up check still has to pass).</summary>
public sealed record ResolveIncident(string DeviceId, Guid IncidentId, string By, string? Note, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>
/// The follow-up timer: the incident stayed resolved for the whole window. <paramref name="JournalEmpty"/>
/// says the terminal's offline journal has nothing left to upload (from its last heartbeat).
/// </summary>
public sealed record VerifyIncident(string DeviceId, Guid IncidentId, bool JournalEmpty, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>The follow-up check found the store not trading normally.</summary>
public sealed record FailFollowUp(string DeviceId, Guid IncidentId, string Reason, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>The acknowledgement deadline passed: escalate to <paramref name="Level"/> if nobody took the incident.</summary>
public sealed record EscalateIfUnacknowledged(string DeviceId, Guid IncidentId, int Level, TimeSpan Deadline, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>Ops closes a verified incident.</summary>
public sealed record CloseIncident(string DeviceId, Guid IncidentId, string By, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>How often a fault may come back before the incident counts as flapping.</summary>
public sealed record FlapPolicy(int Reopens, TimeSpan Window)
{
    public static readonly FlapPolicy Default = new(3, TimeSpan.FromHours(1));
}

/// <summary>The agent reported a network switch.</summary>
public sealed record RecordNetworkSwitch(
    Guid MessageId, string DeviceId, string StoreId, long Sequence, string From, string To, string Reason, DateTimeOffset OccurredAt, DateTimeOffset Now)
    : AgentReport(MessageId, DeviceId, StoreId, Sequence, OccurredAt, Now);

/// <summary>The agent answered a command.</summary>
public sealed record RecordCommandResult(
    Guid MessageId, string DeviceId, string StoreId, long Sequence, Guid CommandId, CommandKind Command, CommandStatus Status, string Detail,
    long DurationMilliseconds, DateTimeOffset OccurredAt, DateTimeOffset Now)
    : AgentReport(MessageId, DeviceId, StoreId, Sequence, OccurredAt, Now);
