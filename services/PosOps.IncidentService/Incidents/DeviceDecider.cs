using System.Collections.Immutable;
using PosOps.Contracts.Agent;

namespace PosOps.IncidentService.Incidents;

/// <summary>
/// Pure decide/evolve/initial for one device (the Decider pattern). Decide: state + command → events. An empty result means "nothing changed"
/// (a replay, a late message, or a fault that is already open): that is how redelivery stays harmless.
/// The kernel decides the incident lifecycle and the agent's fault edges; a feature's commands and events go
/// to the <see cref="IDeviceSlice"/> that owns them (correlation, liveness, offline transactions, remediation, runbooks).
/// </summary>
public static class DeviceDecider
{
    public static Device Initial(string deviceId) =>
        new(deviceId, null, -1, ImmutableDictionary<string, TrackedIncident>.Empty.WithComparers(StringComparer.Ordinal));

    public static Device Evolve(Device state, IDeviceEvent @event) => @event switch
    {
        // A fault seen in a heartbeat (or by the silence check) does not move the sequence guard: fault edges
        // sent before that heartbeat but still in flight on their own queue must still be recorded.
        FaultDetected e when e.Source == FaultSource.Heartbeat => state with { StoreId = e.StoreId, LastHealthSequence = Math.Max(state.LastHealthSequence, e.Sequence) },
        FaultDetected e when e.Source != FaultSource.Edge => state with { StoreId = e.StoreId },
        FaultDetected e => state with { StoreId = e.StoreId, LastSequence = Math.Max(state.LastSequence, e.Sequence) },
        IncidentOpened e => state with
        {
            StoreId = state.StoreId ?? e.StoreId,
            ActiveIncidents = state.ActiveIncidents.SetItem(e.FaultCode,
                new TrackedIncident(e.IncidentId, e.Component, e.FaultCode, e.Severity, IncidentStatus.Open, e.OccurredAt, 0, [], false) { AlertPending = e.AlertHeld }),
        },
        FaultCleared e when e.Source == FaultSource.Heartbeat => state with { LastHealthSequence = Math.Max(state.LastHealthSequence, e.Sequence) },
        FaultCleared e when e.Source != FaultSource.Edge => state,
        FaultCleared e => state with { LastSequence = Math.Max(state.LastSequence, e.Sequence) },
        IncidentAcknowledged e => IncidentRules.Update(state, e.IncidentId, i => i with { Status = IncidentStatus.Acknowledged }),
        IncidentMitigated e => IncidentRules.Update(state, e.IncidentId, i => i with { Status = IncidentStatus.Mitigated }),
        IncidentResolved e => IncidentRules.Update(state, e.IncidentId, i => i with { Status = IncidentStatus.Resolved }),
        IncidentReopened e => IncidentRules.Update(state, e.IncidentId, i => i with { Status = IncidentStatus.Open, FlapCount = e.FlapCount, Reopens = i.Reopens.Add(e.OccurredAt) }),
        IncidentEscalated e => e.Kind == IncidentEscalated.Flapping ? IncidentRules.Update(state, e.IncidentId, i => i with { FlapEscalated = true }) : state,
        FollowUpFailed => state,
        IncidentVerified e => state.FindActive(e.IncidentId) is { } verified
            ? state with
            {
                ActiveIncidents = state.ActiveIncidents.Remove(verified.FaultCode),
                FinishedIncidents = state.FinishedIncidents.SetItem(e.IncidentId, IncidentStatus.Verified),
            }
            : state,
        IncidentClosed e => state with { FinishedIncidents = state.FinishedIncidents.SetItem(e.IncidentId, IncidentStatus.Closed) },
        NetworkSwitched e => state with { ActiveLink = e.To, LastSequence = Math.Max(state.LastSequence, e.Sequence) },
        CommandAnswered e => Settle(state with { LastSequence = Math.Max(state.LastSequence, e.Sequence) }, e),
        _ => DeviceSlices.Evolving(@event.GetType())?.Evolve(state, @event)
            ?? throw new InvalidOperationException($"Device cannot evolve with {@event.GetType().Name}"),
    };

    public static Device Rebuild(string deviceId, IEnumerable<IDeviceEvent> events) =>
        events.Aggregate(Initial(deviceId), Evolve);

    public static IDeviceEvent[] Decide(DeviceCommand command, Device state) => Decide(command, state, FlapPolicy.Default);

    public static IDeviceEvent[] Decide(DeviceCommand command, Device state, FlapPolicy flapping)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(flapping);
        if (!string.Equals(command.DeviceId, state.Id, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Command for device '{command.DeviceId}' sent to stream '{state.Id}'");
        }

        // A feature's command goes to its slice, which keeps its own replay guard.
        if (DeviceSlices.Deciding(command.GetType()) is { } slice)
        {
            return slice.Decide(command, state, flapping);
        }

        if (command is AgentReport report && IncidentRules.IsReplay(report, state))
        {
            return [];
        }

        return command switch
        {
            RecordFault c when state.ActiveIncidents.TryGetValue(c.FaultCode, out var active) => active.Status == IncidentStatus.Resolved
                ? [new FaultDetected(c.DeviceId, c.StoreId, c.Component, c.FaultCode, c.Severity, c.MessageId, c.Sequence, c.OccurredAt),
                   .. IncidentRules.Reopen(state, active, "the fault came back before the follow-up check", c.OccurredAt, flapping)]
                : [],
            RecordFault c =>
            [
                new FaultDetected(c.DeviceId, c.StoreId, c.Component, c.FaultCode, c.Severity, c.MessageId, c.Sequence, c.OccurredAt),
                new IncidentOpened(c.DeviceId, c.NewIncidentId, c.StoreId, c.Component, c.FaultCode, c.Severity, c.OccurredAt, FaultCatalogue.IsConnectivity(c.FaultCode)),
            ],
            RecordFaultCleared c when state.ActiveIncidents.TryGetValue(c.FaultCode, out var open) && open.Status != IncidentStatus.Resolved =>
            [
                new FaultCleared(c.DeviceId, c.Component, c.FaultCode, c.MessageId, c.Sequence, c.OccurredAt),
                new IncidentResolved(c.DeviceId, open.IncidentId, c.StoreId, c.FaultCode, "fault cleared by the device", c.OccurredAt),
            ],
            RecordFaultCleared => [],
            AcknowledgeIncident c => IncidentRules.Active(state, c.IncidentId).Status == IncidentStatus.Open
                ? [new IncidentAcknowledged(c.DeviceId, c.IncidentId, c.By, c.Now)]
                : [],
            MitigateIncident c => IncidentRules.Active(state, c.IncidentId).Status is IncidentStatus.Open or IncidentStatus.Acknowledged
                ? [new IncidentMitigated(c.DeviceId, c.IncidentId, c.Workaround, c.By, c.Now)]
                : [],
            ResolveIncident c => IncidentRules.Active(state, c.IncidentId) is { Status: not IncidentStatus.Resolved } toResolve
                ? [new IncidentResolved(c.DeviceId, c.IncidentId, state.StoreId ?? "", toResolve.FaultCode,
                    string.IsNullOrWhiteSpace(c.Note) ? $"resolved by {c.By}" : $"resolved by {c.By}: {c.Note}", c.Now, c.By)]
                : [],
            VerifyIncident c => Verify(state, c),
            FailFollowUp c => state.FindActive(c.IncidentId) is { Status: IncidentStatus.Resolved } failed
                ? [new FollowUpFailed(c.DeviceId, c.IncidentId, c.Reason, c.Now), .. IncidentRules.Reopen(state, failed, "follow-up check failed: " + c.Reason, c.Now, flapping)]
                : [],
            CloseIncident c => Close(state, c),
            EscalateIfUnacknowledged c => state.FindActive(c.IncidentId) is { Status: IncidentStatus.Open }
                ? [new IncidentEscalated(c.DeviceId, c.IncidentId, IncidentEscalated.Unacknowledged,
                    $"not acknowledged within {c.Deadline.TotalMinutes:0.#} minutes; escalated to level {c.Level}", c.Now, c.Level)]
                : [],
            RecordNetworkSwitch c => [new NetworkSwitched(c.DeviceId, c.From, c.To, c.Reason, c.MessageId, c.Sequence, c.OccurredAt)],
            RecordCommandResult c => [new CommandAnswered(c.DeviceId, c.CommandId, c.Command, c.Status, c.Detail, c.DurationMilliseconds, c.MessageId, c.Sequence, c.OccurredAt)],
            _ => throw new InvalidOperationException($"Unknown device command {command.GetType().Name}"),
        };
    }

    public const string Silent = "DEVICE_SILENT";

    private static IDeviceEvent[] Verify(Device state, VerifyIncident c)
    {
        if (state.FindActive(c.IncidentId) is not { Status: IncidentStatus.Resolved })
        {
            return []; // reopened meanwhile, or already verified: a stale follow-up timer
        }

        if (!c.JournalEmpty || !state.OfflineReconciled)
        {
            throw new InvalidOperationException("offline transactions are not reconciled yet; the follow-up check waits for them");
        }

        return [new IncidentVerified(c.DeviceId, c.IncidentId, c.Now)];
    }

    private static IDeviceEvent[] Close(Device state, CloseIncident c)
    {
        if (state.FinishedIncidents.TryGetValue(c.IncidentId, out var finished))
        {
            return finished == IncidentStatus.Verified ? [new IncidentClosed(c.DeviceId, c.IncidentId, c.By, c.Now)] : [];
        }

        throw new InvalidOperationException(state.FindActive(c.IncidentId) is { } notYet
            ? $"incident {c.IncidentId} is {notYet.Status}; only a verified incident can be closed"
            : $"no incident {c.IncidentId} on device {state.Id}");
    }

    // A successful answer to a step that waits to see the fault clear starts that wait.
    private static Device Settle(Device state, CommandAnswered answer)
    {
        var incident = state.ActiveIncidents.Values.FirstOrDefault(i => i.Runbook is { State: StepState.Running } r && r.CommandId == answer.CommandId);
        return incident is { Runbook.SettleSeconds: > 0 } && answer.Status == CommandStatus.Succeeded
            ? IncidentRules.Update(state, incident.IncidentId, i => i with { Runbook = i.Runbook! with { State = StepState.Settling } })
            : state;
    }
}
