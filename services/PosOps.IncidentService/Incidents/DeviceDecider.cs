using System.Collections.Immutable;
using PosOps.Contracts.Agent;
using PosOps.Contracts.Commands;
using PosOps.Contracts.Incidents;

namespace PosOps.IncidentService.Incidents;

/// <summary>
/// Pure decide/evolve/initial for one device (the Decider pattern). Decide: state + command → events. An empty result means "nothing changed"
/// (a replay, a late message, or a fault that is already open): that is how redelivery stays harmless.
/// </summary>
public static partial class DeviceDecider
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
        IncidentAcknowledged e => Update(state, e.IncidentId, i => i with { Status = IncidentStatus.Acknowledged }),
        IncidentMitigated e => Update(state, e.IncidentId, i => i with { Status = IncidentStatus.Mitigated }),
        IncidentResolved e => Update(state, e.IncidentId, i => i with { Status = IncidentStatus.Resolved }),
        IncidentReopened e => Update(state, e.IncidentId, i => i with { Status = IncidentStatus.Open, FlapCount = e.FlapCount, Reopens = i.Reopens.Add(e.OccurredAt) }),
        IncidentEscalated e => e.Kind == IncidentEscalated.Flapping ? Update(state, e.IncidentId, i => i with { FlapEscalated = true }) : state,
        FollowUpFailed => state,
        IncidentVerified e => state.FindActive(e.IncidentId) is { } verified
            ? state with
            {
                ActiveIncidents = state.ActiveIncidents.Remove(verified.FaultCode),
                FinishedIncidents = state.FinishedIncidents.SetItem(e.IncidentId, IncidentStatus.Verified),
            }
            : state,
        SilenceEnded => state,
        IncidentClosed e => state with { FinishedIncidents = state.FinishedIncidents.SetItem(e.IncidentId, IncidentStatus.Closed) },
        NetworkSwitched e => state with { ActiveLink = e.To, LastSequence = Math.Max(state.LastSequence, e.Sequence) },
        CommandIssued { IncidentId: { } served, Command: CommandKind.ShowCustomerNotice } => Update(state, served, i => i with { NoticeShown = true }),
        CommandIssued { IncidentId: { } served, Command: CommandKind.ClearCustomerNotice } => Update(state, served, i => i with { NoticeShown = false }),
        CommandIssued => state,
        CommandAnswered e => Settle(state with { LastSequence = Math.Max(state.LastSequence, e.Sequence) }, e),
        RunbookStarted e => Update(state, e.IncidentId, i => i with { Runbook = new RunbookProgress(e.RunbookId, "", "", i.StepAttempts, StepState.Done, null, 0, false) }),
        RunbookStepStarted e => Update(state, e.IncidentId, i => i with
        {
            StepAttempts = e.Attempt,
            Runbook = new RunbookProgress(e.RunbookId, e.StepId, e.Kind, e.Attempt, StepState.Running, e.CommandId, e.SettleSeconds, false),
        }),
        RunbookStepCompleted e => Step(state, e.IncidentId, StepState.Done),
        RunbookStepFailed e => Step(state, e.IncidentId, StepState.Done),
        RunbookStepTimedOut e => Step(state, e.IncidentId, StepState.Overdue),
        RunbookFinished e => Update(state, e.IncidentId, i => i with { Runbook = i.Runbook is null ? null : i.Runbook with { State = StepState.Done, Finished = true } }),
        BackupTerminalAssigned e => Update(state, e.IncidentId, i => i with { BackupDeviceId = e.BackupDeviceId }),
        IncidentLinked e => Update(state, e.IncidentId, i => i with { CoveredBy = e.CoveredBy }),
        IncidentAlertReleased e => Update(state, e.IncidentId, i => i with { AlertPending = false }),
        StoreOutageDetected or StoreOutageResolved or PlatformOutageDetected or PlatformOutageResolved => state,
        OfflineTransactionsUploaded e => state with
        {
            LastUploadSequence = Math.Max(state.LastUploadSequence, e.Sequence),
            OfflineTotals = Add(state.OfflineTotals, e.Totals),
            OfflineReconciled = e.Reconciled,
        },
        _ => throw new InvalidOperationException($"Device cannot evolve with {@event.GetType().Name}"),
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

        // Uploads come on their own queue: they are guarded by their own mark (and by transaction ids),
        // so they neither wait for nor overtake the fault edges.
        if (command is RecordOfflineTransactions upload)
        {
            return upload.Sequence <= state.LastUploadSequence ? [] : [Uploaded(upload, state)];
        }

        if (command is AgentReport report && report.Sequence <= state.LastSequence)
        {
            return [];
        }

        if (command is ReconcileHealth health && health.Sequence <= state.LastHealthSequence)
        {
            return [];
        }

        return command switch
        {
            RecordFault c when state.ActiveIncidents.TryGetValue(c.FaultCode, out var active) => active.Status == IncidentStatus.Resolved
                ? [new FaultDetected(c.DeviceId, c.StoreId, c.Component, c.FaultCode, c.Severity, c.MessageId, c.Sequence, c.OccurredAt),
                   .. Reopen(state, active, "the fault came back before the follow-up check", c.OccurredAt, flapping)]
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
            AcknowledgeIncident c => Active(state, c.IncidentId).Status == IncidentStatus.Open
                ? [new IncidentAcknowledged(c.DeviceId, c.IncidentId, c.By, c.Now)]
                : [],
            MitigateIncident c => Active(state, c.IncidentId).Status is IncidentStatus.Open or IncidentStatus.Acknowledged
                ? [new IncidentMitigated(c.DeviceId, c.IncidentId, c.Workaround, c.By, c.Now)]
                : [],
            ResolveIncident c => Active(state, c.IncidentId) is { Status: not IncidentStatus.Resolved } toResolve
                ? [new IncidentResolved(c.DeviceId, c.IncidentId, state.StoreId ?? "", toResolve.FaultCode,
                    string.IsNullOrWhiteSpace(c.Note) ? $"resolved by {c.By}" : $"resolved by {c.By}: {c.Note}", c.Now, c.By)]
                : [],
            VerifyIncident c => Verify(state, c),
            FailFollowUp c => state.FindActive(c.IncidentId) is { Status: IncidentStatus.Resolved } failed
                ? [new FollowUpFailed(c.DeviceId, c.IncidentId, c.Reason, c.Now), .. Reopen(state, failed, "follow-up check failed: " + c.Reason, c.Now, flapping)]
                : [],
            CloseIncident c => Close(state, c),
            ReconcileHealth c => Reconcile(state, c, flapping),
            RecordSilence c => Silence(state, c, flapping),
            RecordDeviceBack c => state.ActiveIncidents.TryGetValue(Silent, out var silent) && silent.Status != IncidentStatus.Resolved
                ?
                [
                    new SilenceEnded(c.DeviceId, c.SilentSince, c.Now, Math.Round((c.Now - c.SilentSince).TotalSeconds, 1)),
                    new FaultCleared(c.DeviceId, "liveness", Silent, Guid.Empty, state.LastSequence, c.Now, FaultSource.Liveness),
                    new IncidentResolved(c.DeviceId, silent.IncidentId, c.StoreId, Silent, $"heartbeats resumed after {(c.Now - c.SilentSince).TotalSeconds:0} s of silence", c.Now),
                ]
                : [],
            EscalateIfUnacknowledged c => state.FindActive(c.IncidentId) is { Status: IncidentStatus.Open }
                ? [new IncidentEscalated(c.DeviceId, c.IncidentId, IncidentEscalated.Unacknowledged,
                    $"not acknowledged within {c.Deadline.TotalMinutes:0.#} minutes; escalated to level {c.Level}", c.Now, c.Level)]
                : [],
            IssueRemediationCommand c when c.ExpiresAt <= c.Now => throw new InvalidOperationException("the command would expire before it is sent"),
            IssueRemediationCommand c => [new CommandIssued(c.DeviceId, c.CommandId, c.Command, c.Network, c.NoticeEn, c.NoticeZh, c.IssuedBy, c.ExpiresAt, c.Now)],
            RecordNetworkSwitch c => [new NetworkSwitched(c.DeviceId, c.From, c.To, c.Reason, c.MessageId, c.Sequence, c.OccurredAt)],
            RecordCommandResult c => [new CommandAnswered(c.DeviceId, c.CommandId, c.Command, c.Status, c.Detail, c.DurationMilliseconds, c.MessageId, c.Sequence, c.OccurredAt)],
            ReleaseAlert c => state.FindActive(c.IncidentId) is { AlertPending: true } held
                ? [new IncidentAlertReleased(c.DeviceId, c.IncidentId, held.CoveredBy, c.Now)]
                : [],
            LinkIncident c => state.FindActive(c.IncidentId) is { CoveredBy: null }
                ? [new IncidentLinked(c.DeviceId, c.IncidentId, c.CoveredBy, state.StoreId ?? "", c.Now)]
                : [],
            DetectStoreOutage c => Outage(state, FaultCatalogue.StoreOutage, "store", c.StoreId, c.NewIncidentId, c.Now, flapping,
                id => new StoreOutageDetected(c.DeviceId, id, c.StoreId, c.Cause, c.DeviceIds, c.StoreTerminals, c.Now)),
            EndStoreOutage c => state.ActiveIncidents.TryGetValue(FaultCatalogue.StoreOutage, out var store) && store.Status != IncidentStatus.Resolved
                ? [new StoreOutageResolved(c.DeviceId, store.IncidentId, c.StoreId, c.Reason, c.Now),
                   new IncidentResolved(c.DeviceId, store.IncidentId, c.StoreId, FaultCatalogue.StoreOutage, c.Reason, c.Now, "correlation")]
                : [],
            DetectPlatformOutage c => Outage(state, FaultCatalogue.PlatformOutage, "platform", "", c.NewIncidentId, c.Now, flapping,
                id => new PlatformOutageDetected(c.DeviceId, id, c.Cause, c.SilentDevices, c.FleetSize, c.Now)),
            EndPlatformOutage c => state.ActiveIncidents.TryGetValue(FaultCatalogue.PlatformOutage, out var platform) && platform.Status != IncidentStatus.Resolved
                ? [new PlatformOutageResolved(c.DeviceId, platform.IncidentId, c.Reason, c.Now),
                   new IncidentResolved(c.DeviceId, platform.IncidentId, "", FaultCatalogue.PlatformOutage, c.Reason, c.Now, "correlation")]
                : [],
            _ => throw new InvalidOperationException($"Unknown device command {command.GetType().Name}"),
        };
    }

    public const string Silent = "DEVICE_SILENT";

    // A store or platform outage: a new incident, the same one reopened if it came back before verification, or nothing while it lasts.
    private static IDeviceEvent[] Outage(Device state, string code, string component, string storeId, Guid newId, DateTimeOffset now, FlapPolicy flapping, Func<Guid, IDeviceEvent> detected)
    {
        if (!state.ActiveIncidents.TryGetValue(code, out var active))
        {
            // Opened first: the incident's read model starts at its opening, and the detection adds to it.
            return [new IncidentOpened(state.Id, newId, storeId, component, code, Severity.Blocking, now), detected(newId)];
        }

        return active.Status == IncidentStatus.Resolved ? [detected(active.IncidentId), .. Reopen(state, active, "the outage came back", now, flapping)] : [];
    }

    private static IDeviceEvent[] Reconcile(Device state, ReconcileHealth c, FlapPolicy flapping)
    {
        var events = new List<IDeviceEvent>();
        var reported = c.Faults.Select(f => f.Code).ToHashSet(StringComparer.Ordinal);
        foreach (var fault in c.Faults)
        {
            if (!state.ActiveIncidents.TryGetValue(fault.Code, out var active))
            {
                events.Add(new FaultDetected(c.DeviceId, c.StoreId, fault.Component, fault.Code, fault.Severity, c.MessageId, c.Sequence, c.OccurredAt, FaultSource.Heartbeat));
                events.Add(new IncidentOpened(c.DeviceId, fault.NewIncidentId, c.StoreId, fault.Component, fault.Code, fault.Severity, c.OccurredAt, FaultCatalogue.IsConnectivity(fault.Code)));
            }
            else if (active.Status == IncidentStatus.Resolved)
            {
                events.Add(new FaultDetected(c.DeviceId, c.StoreId, fault.Component, fault.Code, fault.Severity, c.MessageId, c.Sequence, c.OccurredAt, FaultSource.Heartbeat));
                events.AddRange(Reopen(state, active, "the heartbeat reports the fault again", c.OccurredAt, flapping));
            }
        }

        foreach (var gone in state.ActiveIncidents.Values.Where(i => i.Status != IncidentStatus.Resolved && i.FaultCode != Silent && !reported.Contains(i.FaultCode)))
        {
            events.Add(new FaultCleared(c.DeviceId, gone.Component, gone.FaultCode, c.MessageId, c.Sequence, c.OccurredAt, FaultSource.Heartbeat));
            events.Add(new IncidentResolved(c.DeviceId, gone.IncidentId, c.StoreId, gone.FaultCode, "no longer reported in the heartbeat", c.OccurredAt));
        }

        return [.. events];
    }

    private static IDeviceEvent[] Silence(Device state, RecordSilence c, FlapPolicy flapping)
    {
        var detected = new FaultDetected(c.DeviceId, c.StoreId, "liveness", Silent, Severity.Blocking, Guid.Empty, state.LastSequence, c.Now, FaultSource.Liveness);
        if (!state.ActiveIncidents.TryGetValue(Silent, out var active))
        {
            return [detected, new IncidentOpened(c.DeviceId, c.NewIncidentId, c.StoreId, "liveness", Silent, Severity.Blocking, c.Now, AlertHeld: true)];
        }

        return active.Status == IncidentStatus.Resolved ? [detected, .. Reopen(state, active, $"silent again since {c.LastSeenAt:O}", c.Now, flapping)] : [];
    }

    /// <summary>An incident still in play, or a refusal that says why not (finished incidents never change).</summary>
    private static TrackedIncident Active(Device state, Guid incidentId) =>
        state.FindActive(incidentId) ?? throw new InvalidOperationException(state.FinishedIncidents.TryGetValue(incidentId, out var status)
            ? $"incident {incidentId} is {status} and can no longer change"
            : $"no incident {incidentId} on device {state.Id}");

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

    /// <summary>Reopen; reaching the flap threshold within the window escalates once, as flapping.</summary>
    private static IEnumerable<IDeviceEvent> Reopen(Device state, TrackedIncident incident, string reason, DateTimeOffset at, FlapPolicy flapping)
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

    private static Device Step(Device state, Guid incidentId, StepState to) =>
        Update(state, incidentId, i => i with { Runbook = i.Runbook is null ? null : i.Runbook with { State = to } });

    // A successful answer to a step that waits to see the fault clear starts that wait.
    private static Device Settle(Device state, CommandAnswered answer)
    {
        var incident = state.ActiveIncidents.Values.FirstOrDefault(i => i.Runbook is { State: StepState.Running } r && r.CommandId == answer.CommandId);
        return incident is { Runbook.SettleSeconds: > 0 } && answer.Status == CommandStatus.Succeeded
            ? Update(state, incident.IncidentId, i => i with { Runbook = i.Runbook! with { State = StepState.Settling } })
            : state;
    }

    private static Device Update(Device state, Guid incidentId, Func<TrackedIncident, TrackedIncident> change) =>
        state.FindActive(incidentId) is { } incident
            ? state with { ActiveIncidents = state.ActiveIncidents.SetItem(incident.FaultCode, change(incident)) }
            : state;
}
