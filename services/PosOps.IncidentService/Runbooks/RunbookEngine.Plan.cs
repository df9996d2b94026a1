using PosOps.Contracts.Agent;
using PosOps.Contracts.Commands;
using Severity = PosOps.Contracts.Incidents.Severity;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Runbooks;

/// <summary>The plan that one runbook decision builds up, event by event, over the evolving state.</summary>
public static partial class RunbookEngine
{
    private sealed class Plan(Device state, RunbookLibrary library, RunbookContext context, DateTimeOffset now)
    {
        private readonly List<IDeviceEvent> events = [];
        private readonly List<TimerRequest> timers = [];
        private int starts;

        public Device State { get; private set; } = state;

        public Reaction Result() => new(events, timers);

        public TrackedIncident? Incident(Guid id) => State.FindActive(id);

        public void Emit(IDeviceEvent e)
        {
            events.Add(e);
            State = DeviceDecider.Evolve(State, e);
        }

        public void Start(Guid incidentId)
        {
            var incident = Incident(incidentId);
            if (incident is null || library.For(incident.FaultCode) is not { } runbook)
            {
                return;
            }

            Emit(new RunbookStarted(State.Id, incidentId, runbook.Id, now));
            StartStep(incidentId, runbook, runbook.Steps[0]);
        }

        public void Answered(CommandAnswered answer)
        {
            var incident = State.ActiveIncidents.Values.FirstOrDefault(i => i.Runbook is { Finished: false } r && r.CommandId == answer.CommandId);
            if (incident?.Runbook is not { } progress || library.ById(progress.RunbookId) is not { } runbook)
            {
                return;
            }

            var step = runbook.Step(progress.StepId);
            if (answer.Status != CommandStatus.Succeeded)
            {
                Fail(incident.IncidentId, runbook, step, $"the terminal answered {answer.Status}: {answer.Detail}", "terminal");
                return;
            }

            if (progress.State == StepState.Settling)
            {
                // Evolve started the wait; the settle timer decides whether it fixed the fault.
                timers.Add(new TimerRequest(SettleTimer, incident.IncidentId, progress.Attempt, now.AddSeconds(progress.SettleSeconds)));
                return;
            }

            if (progress.State != StepState.Running)
            {
                return;
            }

            if (RunbookLibrary.TryParseCommand(step.Command, out var kind) && kind == CommandKind.SwitchNetwork)
            {
                Mitigate(incident.IncidentId, $"trading on {step.Network} after the runbook switched the network", "runbook:" + runbook.Id);
            }

            Complete(incident.IncidentId, runbook, step, "the terminal answered: " + answer.Detail, "terminal");
        }

        public void Tick(TickRunbookStep tick)
        {
            var incident = State.FindActive(tick.IncidentId)
                ?? throw new InvalidOperationException(State.FinishedIncidents.ContainsKey(tick.IncidentId)
                    ? $"incident {tick.IncidentId} is finished; its runbook can no longer change"
                    : $"no incident {tick.IncidentId} on {State.Id}");
            if (incident.Runbook is not { Finished: false } progress || library.ById(progress.RunbookId) is not { } runbook)
            {
                throw new InvalidOperationException($"incident {tick.IncidentId} has no runbook in progress");
            }

            if (!string.Equals(progress.StepId, tick.StepId, StringComparison.Ordinal) || progress.State == StepState.Done)
            {
                throw new InvalidOperationException($"step '{tick.StepId}' is not the current step of runbook '{runbook.Id}' (current: '{progress.StepId}')");
            }

            var step = runbook.Step(progress.StepId);
            var note = string.IsNullOrWhiteSpace(tick.Note) ? "" : ": " + tick.Note;
            if (tick.Done)
            {
                Complete(incident.IncidentId, runbook, step, "done" + note, tick.By);
            }
            else
            {
                Fail(incident.IncidentId, runbook, step, "not done" + note, tick.By);
            }
        }

        public void TimeOut(TimeOutRunbookStep timeout)
        {
            if (Incident(timeout.IncidentId) is not { Runbook: { Finished: false, State: StepState.Running } progress } incident
                || progress.Attempt != timeout.Attempt || library.ById(progress.RunbookId) is not { } runbook)
            {
                return; // answered, ticked, settling or finished meanwhile: a stale timer
            }

            var step = runbook.Step(progress.StepId);
            Emit(new RunbookStepTimedOut(State.Id, incident.IncidentId, step.Id, step.TimeoutSeconds, now));
            if (step.Kind == RunbookStep.Automatic)
            {
                Branch(incident.IncidentId, runbook, step, step.OnFailure);
                return;
            }

            Emit(new IncidentEscalated(State.Id, incident.IncidentId, IncidentEscalated.StepOverdue,
                $"step '{step.Id}' of runbook '{runbook.Id}' not done within {step.TimeoutSeconds / 60.0:0.#} minutes", now));
        }

        public void Settle(SettleRunbookStep settle)
        {
            if (Incident(settle.IncidentId) is not { Runbook: { Finished: false, State: StepState.Settling } progress } incident
                || progress.Attempt != settle.Attempt || library.ById(progress.RunbookId) is not { } runbook)
            {
                return;
            }

            var step = runbook.Step(progress.StepId);
            Fail(incident.IncidentId, runbook, step, $"{step.Command} succeeded but {incident.FaultCode} is still reported after {step.SettleSeconds} s", "runbook:" + runbook.Id);
        }

        /// <param name="again">Show it even if shown before (a reopen, or another incident's notice was cleared).</param>
        public void ShowNotice(Guid incidentId, bool again = false)
        {
            if (Incident(incidentId) is not { Severity: Severity.Blocking or Severity.Degraded } incident || (incident.NoticeShown && !again)
                || library.For(incident.FaultCode) is not { CustomerNotice: { } notice } runbook || !StreamIds.IsTerminal(State.Id))
            {
                return;
            }

            Emit(new CommandIssued(State.Id, context.NewId(), CommandKind.ShowCustomerNotice, null, notice.En, notice.ZhCn,
                "runbook:" + runbook.Id, now + NoticeLifetime, now, incidentId));
        }

        // The notice goes when its incident resolves, unless another incident on the terminal still needs one.
        public void ClearNotice(Guid incidentId)
        {
            if (Incident(incidentId) is not { NoticeShown: true })
            {
                return;
            }

            var other = State.ActiveIncidents.Values.FirstOrDefault(i => i.IncidentId != incidentId && i.Status != IncidentStatus.Resolved
                && i.Severity is Severity.Blocking or Severity.Degraded && library.For(i.FaultCode)?.CustomerNotice is not null);
            Emit(new CommandIssued(State.Id, context.NewId(), CommandKind.ClearCustomerNotice, null, null, null, "runbook", now + NoticeLifetime, now, incidentId));
            if (other is not null)
            {
                ShowNotice(other.IncidentId, again: true);
            }
        }

        private void StartStep(Guid incidentId, Runbook runbook, RunbookStep step)
        {
            if (++starts > runbook.Steps.Count * 2)
            {
                Escalate(incidentId, IncidentEscalated.RunbookExhausted, $"runbook '{runbook.Id}' loops between steps; stopped at '{step.Id}'");
                Emit(new RunbookFinished(State.Id, incidentId, runbook.Id, "stopped: the steps loop", now));
                return;
            }

            var incident = Incident(incidentId)!;
            var attempt = incident.StepAttempts + 1;
            var values = Values(incident);
            var en = RunbookLibrary.Fill(step.Text.En!, values);
            var zh = RunbookLibrary.Fill(step.Text.ZhCn!, values);
            switch (step.Kind)
            {
                case RunbookStep.Automatic:
                    RunbookLibrary.TryParseCommand(step.Command, out var kind);
                    var commandId = context.NewId();
                    Emit(new RunbookStepStarted(State.Id, incidentId, runbook.Id, step.Id, step.Kind, attempt, en, zh, commandId, step.TimeoutSeconds, step.SettleSeconds, now));
                    var notice = kind == CommandKind.ShowCustomerNotice ? runbook.CustomerNotice : null;
                    Emit(new CommandIssued(State.Id, commandId, kind, step.Network, notice?.En, notice?.ZhCn, "runbook:" + runbook.Id,
                        now.AddSeconds(step.TimeoutSeconds), now, incidentId));
                    timers.Add(new TimerRequest(StepTimer, incidentId, attempt, now.AddSeconds(step.TimeoutSeconds)));
                    break;
                case RunbookStep.Manual or RunbookStep.ContactKind:
                    Emit(new RunbookStepStarted(State.Id, incidentId, runbook.Id, step.Id, step.Kind, attempt, en, zh, null, step.TimeoutSeconds, 0, now));
                    timers.Add(new TimerRequest(StepTimer, incidentId, attempt, now.AddSeconds(step.TimeoutSeconds)));
                    break;
                case RunbookStep.Continuity when step.Action == RunbookStep.BackupTerminal:
                    Emit(new RunbookStepStarted(State.Id, incidentId, runbook.Id, step.Id, step.Kind, attempt, en, zh, null, 0, 0, now));
                    var backup = context.Store?.BackupDeviceIds?.FirstOrDefault(b => !string.Equals(b, State.Id, StringComparison.Ordinal));
                    if (backup is null)
                    {
                        Fail(incidentId, runbook, step, $"no backup terminal is registered for store {State.StoreId}", "runbook:" + runbook.Id);
                        return;
                    }

                    Emit(new BackupTerminalAssigned(State.Id, incidentId, backup, "runbook:" + runbook.Id, now));
                    Mitigate(incidentId, $"backup terminal {backup} takes payments", "runbook:" + runbook.Id);
                    Complete(incidentId, runbook, step, $"backup terminal {backup} assigned", "runbook:" + runbook.Id);
                    break;
                default:
                    Emit(new RunbookStepStarted(State.Id, incidentId, runbook.Id, step.Id, step.Kind, attempt, en, zh, null, 0, 0, now));
                    Mitigate(incidentId, "offline mode: payments are journaled on the terminal and uploaded on recovery", "runbook:" + runbook.Id);
                    Complete(incidentId, runbook, step, "offline mode in force", "runbook:" + runbook.Id);
                    break;
            }
        }

        private void Complete(Guid incidentId, Runbook runbook, RunbookStep step, string outcome, string by)
        {
            Emit(new RunbookStepCompleted(State.Id, incidentId, step.Id, outcome, by, now));
            Branch(incidentId, runbook, step, step.OnSuccess);
        }

        private void Fail(Guid incidentId, Runbook runbook, RunbookStep step, string reason, string by)
        {
            Emit(new RunbookStepFailed(State.Id, incidentId, step.Id, reason, by, now));
            Branch(incidentId, runbook, step, step.OnFailure);
        }

        private void Branch(Guid incidentId, Runbook runbook, RunbookStep from, string? target)
        {
            switch (target ?? RunbookStep.Next)
            {
                case RunbookStep.Next when runbook.After(from.Id) is { } next:
                    StartStep(incidentId, runbook, next);
                    break;
                case RunbookStep.Next:
                    Escalate(incidentId, IncidentEscalated.RunbookExhausted, $"every step of runbook '{runbook.Id}' was tried");
                    Emit(new RunbookFinished(State.Id, incidentId, runbook.Id, "steps exhausted", now));
                    break;
                case RunbookStep.End:
                    Emit(new RunbookFinished(State.Id, incidentId, runbook.Id, $"ended after step '{from.Id}'", now));
                    break;
                case RunbookStep.Escalate:
                    Escalate(incidentId, IncidentEscalated.RunbookExhausted, $"runbook '{runbook.Id}' escalates after step '{from.Id}'");
                    Emit(new RunbookFinished(State.Id, incidentId, runbook.Id, $"escalated after step '{from.Id}'", now));
                    break;
                case var id:
                    StartStep(incidentId, runbook, runbook.Step(id));
                    break;
            }
        }

        private void Mitigate(Guid incidentId, string workaround, string by)
        {
            if (Incident(incidentId) is { Status: IncidentStatus.Open or IncidentStatus.Acknowledged })
            {
                Emit(new IncidentMitigated(State.Id, incidentId, workaround, by, now));
            }
        }

        private void Escalate(Guid incidentId, string kind, string reason) =>
            Emit(new IncidentEscalated(State.Id, incidentId, kind, reason, now));

        private Dictionary<string, string?> Values(TrackedIncident incident) => new(StringComparer.Ordinal)
        {
            ["deviceId"] = State.Id,
            ["storeId"] = State.StoreId ?? context.Store?.Id,
            ["storeName"] = context.Store?.Name,
            ["model"] = context.Device?.Model,
            ["serial"] = context.Device?.Serial,
            ["location"] = context.Device?.Location,
            ["isp"] = context.Store?.Isp,
            ["lineId"] = context.Store?.LineId,
            ["faultCode"] = incident.FaultCode,
        };
    }
}
