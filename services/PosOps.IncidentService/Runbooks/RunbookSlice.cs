using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Runbooks;

/// <summary>
/// The runbook's share of the device state: where each incident's runbook stands. Its commands (tick,
/// time out, settle) are decided by <see cref="RunbookEngine"/> with the runbook library and the registry at hand.
/// </summary>
public sealed class RunbookSlice : IDeviceSlice
{
    public IReadOnlyCollection<Type> Commands { get; } = [];

    public IReadOnlyCollection<Type> Events { get; } =
    [
        typeof(RunbookStarted), typeof(RunbookStepStarted), typeof(RunbookStepCompleted), typeof(RunbookStepFailed),
        typeof(RunbookStepTimedOut), typeof(RunbookFinished), typeof(BackupTerminalAssigned),
    ];

    public IDeviceEvent[] Decide(DeviceCommand command, Device state, FlapPolicy flapping) =>
        throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "runbook commands are decided by the RunbookEngine");

    public Device Evolve(Device state, IDeviceEvent @event) => @event switch
    {
        RunbookStarted e => IncidentRules.Update(state, e.IncidentId, i => i with { Runbook = new RunbookProgress(e.RunbookId, "", "", i.StepAttempts, StepState.Done, null, 0, false) }),
        RunbookStepStarted e => IncidentRules.Update(state, e.IncidentId, i => i with
        {
            StepAttempts = e.Attempt,
            Runbook = new RunbookProgress(e.RunbookId, e.StepId, e.Kind, e.Attempt, StepState.Running, e.CommandId, e.SettleSeconds, false),
        }),
        RunbookStepCompleted e => Step(state, e.IncidentId, StepState.Done),
        RunbookStepFailed e => Step(state, e.IncidentId, StepState.Done),
        RunbookStepTimedOut e => Step(state, e.IncidentId, StepState.Overdue),
        RunbookFinished e => IncidentRules.Update(state, e.IncidentId, i => i with { Runbook = i.Runbook is null ? null : i.Runbook with { State = StepState.Done, Finished = true } }),
        BackupTerminalAssigned e => IncidentRules.Update(state, e.IncidentId, i => i with { BackupDeviceId = e.BackupDeviceId }),
        _ => state,
    };

    private static Device Step(Device state, Guid incidentId, StepState to) =>
        IncidentRules.Update(state, incidentId, i => i with { Runbook = i.Runbook is null ? null : i.Runbook with { State = to } });
}
