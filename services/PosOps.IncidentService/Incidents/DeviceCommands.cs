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

/// <summary>Ops or a runbook sends a remediation command to the terminal (server-side: no agent sequence).</summary>
public sealed record IssueRemediationCommand(
    string DeviceId, Guid CommandId, CommandKind Command, string? Network, string? NoticeEn, string? NoticeZh, string IssuedBy, DateTimeOffset ExpiresAt, DateTimeOffset Now)
    : DeviceCommand(DeviceId, Now);

/// <summary>One fault in a heartbeat's health picture, with the id its incident gets if one opens.</summary>
public sealed record ReportedFault(string Component, string Code, Severity Severity, Guid NewIncidentId);

/// <summary>
/// Level-triggered reconciliation (design principle 2): the heartbeat's full picture is the truth; a
/// fault in it with no incident opens one, an incident whose fault is gone from it resolves.
/// </summary>
public sealed record ReconcileHealth(
    Guid MessageId, string DeviceId, string StoreId, long Sequence, IReadOnlyList<ReportedFault> Faults, DateTimeOffset OccurredAt, DateTimeOffset Now)
    : AgentReport(MessageId, DeviceId, StoreId, Sequence, OccurredAt, Now);

/// <summary>No heartbeat for longer than the threshold: treat as power or network loss until the device says otherwise.</summary>
public sealed record RecordSilence(string DeviceId, string StoreId, DateTimeOffset LastSeenAt, Guid NewIncidentId, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>A silent device sent a heartbeat again.</summary>
public sealed record RecordDeviceBack(string DeviceId, string StoreId, DateTimeOffset SilentSince, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

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

/// <summary>
/// Offline transactions arrived. <paramref name="NewTransactions"/> are the ones the server did not
/// have yet (the store of transactions decided that, by transaction id).
/// </summary>
public sealed record RecordOfflineTransactions(
    Guid MessageId, string DeviceId, string StoreId, long Sequence, IReadOnlyList<OfflineTransaction> NewTransactions, int Duplicates,
    IReadOnlyList<CurrencyTotal> JournalTotals, DateTimeOffset OccurredAt, DateTimeOffset Now)
    : AgentReport(MessageId, DeviceId, StoreId, Sequence, OccurredAt, Now);
