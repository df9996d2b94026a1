using System.Collections.Immutable;
using PosOps.Contracts.Agent;
using PosOps.Contracts.Incidents;

namespace PosOps.IncidentService.Incidents;

/// <summary>The guide's incident lifecycle.</summary>
public enum IncidentStatus
{
    Open,
    Acknowledged,
    Mitigated,
    Resolved,
    Verified,
    Closed,
}

public static class IncidentStatuses
{
    /// <summary>Still needs work: not yet resolved (the statuses the outage correlation and the fleet overview count).</summary>
    public static readonly IncidentStatus[] Unresolved = [IncidentStatus.Open, IncidentStatus.Acknowledged, IncidentStatus.Mitigated];
}

/// <summary>
/// An incident still in play on a device, keyed by its fault code: Open, Acknowledged, Mitigated, or
/// Resolved and waiting for its follow-up check. A recurrence while Resolved reopens it.
/// </summary>
public sealed record TrackedIncident(
    Guid IncidentId,
    string Component,
    string FaultCode,
    Severity Severity,
    IncidentStatus Status,
    DateTimeOffset OpenedAt,
    int FlapCount,
    ImmutableList<DateTimeOffset> Reopens,
    bool FlapEscalated)
{
    /// <summary>The runbook's position; null when the fault kind has none.</summary>
    public RunbookProgress? Runbook { get; init; }

    /// <summary>Step starts so far (numbers the next one).</summary>
    public int StepAttempts { get; init; }

    /// <summary>A customer notice for this incident is on the terminal's screen.</summary>
    public bool NoticeShown { get; init; }

    /// <summary>The store or platform incident that covers this one (its alert is held back).</summary>
    public Guid? CoveredBy { get; init; }

    /// <summary>The IncidentOpened alert is held until the correlation window decides (connectivity faults).</summary>
    public bool AlertPending { get; init; }

    /// <summary>The backup terminal that took over, if any.</summary>
    public string? BackupDeviceId { get; init; }
}

/// <summary>
/// A device's write model, rebuilt from its stream. <see cref="LastSequence"/> is the highest agent
/// sequence already reflected in the stream: anything at or below it is a replay.
/// </summary>
public sealed record Device(string Id, string? StoreId, long LastSequence, ImmutableDictionary<string, TrackedIncident> ActiveIncidents)
{
    /// <summary>Incidents whose story is over (Verified, then Closed): they never change again.</summary>
    public ImmutableDictionary<Guid, IncidentStatus> FinishedIncidents { get; init; } = ImmutableDictionary<Guid, IncidentStatus>.Empty;

    /// <summary>Highest offline-upload sequence recorded: uploads travel on their own queue, so they keep their own mark.</summary>
    public long LastUploadSequence { get; init; } = -1;

    /// <summary>Highest heartbeat sequence already reconciled into the stream (kept apart from edges, see Evolve).</summary>
    public long LastHealthSequence { get; init; } = -1;

    /// <summary>The link the terminal last said it uses.</summary>
    public string? ActiveLink { get; init; }

    /// <summary>Offline transactions received so far, per currency (for reconciliation).</summary>
    public ImmutableDictionary<string, CurrencyTotal> OfflineTotals { get; init; } = ImmutableDictionary<string, CurrencyTotal>.Empty;

    /// <summary>False while the last offline upload left journal and server disagreeing.</summary>
    public bool OfflineReconciled { get; init; } = true;

    public TrackedIncident? FindActive(Guid incidentId) => ActiveIncidents.Values.FirstOrDefault(i => i.IncidentId == incidentId);
}
