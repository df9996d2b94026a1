using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Registry;

namespace PosOps.IncidentService.Runbooks;

/// <summary>What a runbook decision needs besides the device's state: the registry, and ids for new commands.</summary>
public sealed record RunbookContext(DeviceRegistration? Device, StoreRegistration? Store, Func<Guid> NewId);

/// <summary>Ops ticks a manual or contact step (or any current step) as done or not done.</summary>
public sealed record TickRunbookStep(string DeviceId, Guid IncidentId, string StepId, bool Done, string By, string? Note, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>The step's timer: no answer (automatic) or no tick (manual, contact) in time.</summary>
public sealed record TimeOutRunbookStep(string DeviceId, Guid IncidentId, int Attempt, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>The settle timer: the command succeeded a while ago; is the fault gone?</summary>
public sealed record SettleRunbookStep(string DeviceId, Guid IncidentId, int Attempt, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>
/// Runs the guide's runbooks, purely: from the device's state and what just happened (or a tick or a
/// timer) to the next events — step started, command issued, step completed or failed, branch, finish —
/// and the timers they need. No I/O: unit tests drive it with plain events.
/// </summary>
public static partial class RunbookEngine
{
    public const string StepTimer = "runbook-step";
    public const string SettleTimer = "runbook-settle";
    private static readonly TimeSpan NoticeLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Follow-on events for events just appended; <paramref name="state"/> already includes them.</summary>
    public static Reaction React(Device state, IReadOnlyList<IDeviceEvent> happened, RunbookLibrary library, RunbookContext context, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(happened);
        var plan = new Plan(state, library, context, now);
        foreach (var e in happened)
        {
            switch (e)
            {
                case IncidentOpened opened:
                    plan.Start(opened.IncidentId);
                    plan.ShowNotice(opened.IncidentId);
                    break;
                case IncidentReopened reopened when plan.Incident(reopened.IncidentId) is { } again:
                    if (again.Runbook is null or { Finished: true })
                    {
                        plan.Start(again.IncidentId);
                    }

                    plan.ShowNotice(again.IncidentId, again: true);
                    break;
                case IncidentResolved resolved when plan.Incident(resolved.IncidentId) is { } done:
                    if (done.Runbook is { Finished: false } progress)
                    {
                        plan.Emit(new RunbookFinished(state.Id, done.IncidentId, progress.RunbookId, "fault cleared: " + resolved.Reason, now));
                    }

                    plan.ClearNotice(done.IncidentId);
                    break;
                case CommandAnswered answered:
                    plan.Answered(answered);
                    break;
            }
        }

        return plan.Result();
    }

    /// <summary>A tick from ops, or a step or settle timer.</summary>
    public static Reaction Decide(DeviceCommand command, Device state, RunbookLibrary library, RunbookContext context)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        var plan = new Plan(state, library, context, command.Now);
        switch (command)
        {
            case TickRunbookStep tick:
                plan.Tick(tick);
                break;
            case TimeOutRunbookStep timeout:
                plan.TimeOut(timeout);
                break;
            case SettleRunbookStep settle:
                plan.Settle(settle);
                break;
            default:
                throw new InvalidOperationException($"{command.GetType().Name} is not a runbook command");
        }

        return plan.Result();
    }
}
