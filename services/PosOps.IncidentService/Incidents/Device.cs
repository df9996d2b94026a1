using System.Collections.Immutable;
using PosOps.Contracts.Agent;
using PosOps.Contracts.Incidents;

namespace PosOps.IncidentService.Incidents;

/// <summary>An incident still open on a device, keyed by its fault code.</summary>
public sealed record OpenIncident(Guid IncidentId, string Component, string FaultCode, Severity Severity, DateTimeOffset OpenedAt);

/// <summary>
/// A device's write model, rebuilt from its stream. <see cref="LastSequence"/> is the highest agent
/// sequence already reflected in the stream: anything at or below it is a replay.
/// </summary>
public sealed record Device(string Id, string? StoreId, long LastSequence, ImmutableDictionary<string, OpenIncident> OpenIncidents)
{
    /// <summary>The link the terminal last said it uses.</summary>
    public string? ActiveLink { get; init; }

    /// <summary>Offline transactions received so far, per currency (for reconciliation).</summary>
    public ImmutableDictionary<string, CurrencyTotal> OfflineTotals { get; init; } = ImmutableDictionary<string, CurrencyTotal>.Empty;
}
