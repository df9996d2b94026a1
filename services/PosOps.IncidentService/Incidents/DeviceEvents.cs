using PosOps.Contracts.Agent;
using PosOps.Contracts.Commands;
using PosOps.Contracts.Incidents;

namespace PosOps.IncidentService.Incidents;

/// <summary>Everything that can happen in a device's stream (stream key = device id).</summary>
public interface IDeviceEvent
{
    string DeviceId { get; }
}

/// <summary>
/// An event that changes one incident's read model (<see cref="IncidentView"/>). The projection routes
/// them through this one interface so that a transaction's events reach the view in the order they
/// were appended (routed type by type, a step's completion could land after the next step's start).
/// </summary>
public interface IIncidentEvent : IDeviceEvent
{
    Guid IncidentId { get; }
}

/// <summary>Who noticed: the agent's fault edge, a heartbeat's full picture (reconciliation), or the silence check.</summary>
public enum FaultSource
{
    Edge,
    Heartbeat,
    Liveness,
}

/// <summary>The device said a component failed. MessageId and Sequence make a redelivery harmless.</summary>
public sealed record FaultDetected(
    string DeviceId,
    string StoreId,
    string Component,
    string FaultCode,
    Severity Severity,
    Guid MessageId,
    long Sequence,
    DateTimeOffset OccurredAt,
    FaultSource Source = FaultSource.Edge) : IDeviceEvent;

/// <summary>
/// One incident per (device, fault) episode. <see cref="AlertHeld"/>: a connectivity fault whose alert waits
/// for the store-outage correlation (IncidentAlertReleased publishes it).
/// </summary>
public sealed record IncidentOpened(
    string DeviceId,
    Guid IncidentId,
    string StoreId,
    string Component,
    string FaultCode,
    Severity Severity,
    DateTimeOffset OccurredAt,
    bool AlertHeld = false) : IIncidentEvent;

/// <summary>The device said a fault it reported has gone.</summary>
public sealed record FaultCleared(
    string DeviceId,
    string Component,
    string FaultCode,
    Guid MessageId,
    long Sequence,
    DateTimeOffset OccurredAt,
    FaultSource Source = FaultSource.Edge) : IDeviceEvent;

/// <summary>The fault behind the incident is gone; the follow-up check (verification) comes later.</summary>
public sealed record IncidentResolved(
    string DeviceId,
    Guid IncidentId,
    string StoreId,
    string FaultCode,
    string Reason,
    DateTimeOffset OccurredAt,
    string By = "device") : IIncidentEvent;

/// <summary>The terminal moved to another link (failover, failback, or on command).</summary>
public sealed record NetworkSwitched(
    string DeviceId,
    string From,
    string To,
    string Reason,
    Guid MessageId,
    long Sequence,
    DateTimeOffset OccurredAt) : IDeviceEvent;

/// <summary>The terminal answered a remediation command.</summary>
public sealed record CommandAnswered(
    string DeviceId,
    Guid CommandId,
    CommandKind Command,
    CommandStatus Status,
    string Detail,
    long DurationMilliseconds,
    Guid MessageId,
    long Sequence,
    DateTimeOffset OccurredAt) : IDeviceEvent;

/// <summary>
/// Offline transactions arrived from the terminal's journal. Count and totals are of the ones new to
/// the server; <see cref="Reconciled"/> says whether everything the journal holds is now on the server.
/// </summary>
public sealed record OfflineTransactionsUploaded(
    string DeviceId,
    int Count,
    IReadOnlyList<CurrencyTotal> Totals,
    int Duplicates,
    IReadOnlyList<CurrencyTotal> JournalTotals,
    bool Reconciled,
    string Reconciliation,
    Guid MessageId,
    long Sequence,
    DateTimeOffset OccurredAt) : IDeviceEvent;

/// <summary>
/// Ops (or a runbook) asked the terminal to do something; published to the agent after commit.
/// <see cref="IncidentId"/> names the incident the command serves, if any.
/// </summary>
public sealed record CommandIssued(
    string DeviceId,
    Guid CommandId,
    CommandKind Command,
    string? Network,
    string? NoticeEn,
    string? NoticeZh,
    string IssuedBy,
    DateTimeOffset ExpiresAt,
    DateTimeOffset OccurredAt,
    Guid? IncidentId = null) : IDeviceEvent;
