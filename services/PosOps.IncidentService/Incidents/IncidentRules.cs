using PosOps.Contracts.Incidents;

namespace PosOps.IncidentService.Incidents;

/// <summary>The incident rules every slice decides with: replay guard, reopen with flap escalation, refusals, state updates.</summary>
public static class IncidentRules
{
    /// <summary>An agent report at or below the stream's mark is a replay or a late message: nothing changes.</summary>
    public static bool IsReplay(AgentReport report, Device state) => report.Sequence <= state.LastSequence;

    /// <summary>An incident still in play, or a refusal that says why not (finished incidents never change).</summary>
    public static TrackedIncident Active(Device state, Guid incidentId) =>
        state.FindActive(incidentId) ?? throw new InvalidOperationException(state.FinishedIncidents.TryGetValue(incidentId, out var status)
            ? $"incident {incidentId} is {status} and can no longer change"
            : $"no incident {incidentId} on device {state.Id}");

    /// <summary>Reopen; reaching the flap threshold within the window escalates once, as flapping.</summary>
    public static IEnumerable<IDeviceEvent> Reopen(Device state, TrackedIncident incident, string reason, DateTimeOffset at, FlapPolicy flapping)
    {
        var flaps = incident.FlapCount + 1;
        yield return new IncidentReopened(state.Id, incident.IncidentId, incident.FaultCode, flaps, reason, at);
        var recent = incident.Reopens.Count(r => at - r <= flapping.Window) + 1;
        if (!incident.FlapEscalated && recent >= flapping.Reopens)
        {
            yield return new IncidentEscalated(state.Id, incident.IncidentId, IncidentEscalated.Flapping,
                $"{recent} reopens within {flapping.Window.TotalMinutes:0} minutes", at);
        }
    }

    /// <summary>
    /// A store or platform outage on its correlation stream: a new incident, the same one reopened if it came
    /// back before verification, or nothing while it lasts.
    /// </summary>
    public static IDeviceEvent[] Outage(Device state, string code, string component, string storeId, Guid newId, DateTimeOffset now, FlapPolicy flapping,
        Func<Guid, IDeviceEvent> detected)
    {
        if (!state.ActiveIncidents.TryGetValue(code, out var active))
        {
            // Opened first: the incident's read model starts at its opening, and the detection adds to it.
            return [new IncidentOpened(state.Id, newId, storeId, component, code, Severity.Blocking, now), detected(newId)];
        }

        return active.Status == IncidentStatus.Resolved ? [detected(active.IncidentId), .. Reopen(state, active, "the outage came back", now, flapping)] : [];
    }

    /// <summary>The outage incident on a correlation stream ends (resolved by the correlation, not by ops).</summary>
    public static IDeviceEvent[] EndOutage(Device state, string code, string storeId, string reason, DateTimeOffset now, Func<Guid, IDeviceEvent> ended) =>
        state.ActiveIncidents.TryGetValue(code, out var outage) && outage.Status != IncidentStatus.Resolved
            ? [ended(outage.IncidentId), new IncidentResolved(state.Id, outage.IncidentId, storeId, code, reason, now, "correlation")]
            : [];

    public static Device Update(Device state, Guid incidentId, Func<TrackedIncident, TrackedIncident> change) =>
        state.FindActive(incidentId) is { } incident
            ? state with { ActiveIncidents = state.ActiveIncidents.SetItem(incident.FaultCode, change(incident)) }
            : state;
}
