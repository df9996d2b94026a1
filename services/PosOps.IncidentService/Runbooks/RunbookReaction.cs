using Marten;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Registry;

namespace PosOps.IncidentService.Runbooks;

/// <summary>
/// The runbook's part of the write path: after an incident opens, reopens or resolves, or a command is
/// answered, the next steps go into the same transaction (<see cref="RunbookEngine.React"/>).
/// </summary>
public sealed class RunbookReaction(RunbookLibrary runbooks) : IDeviceReaction
{
    public async ValueTask<Reaction> ReactAsync(IDocumentSession session, Device after, IReadOnlyList<IDeviceEvent> happened, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(happened);
        return happened.Any(Concerns)
            ? RunbookEngine.React(after, happened, runbooks, await ContextAsync(session, after, cancellationToken), now)
            : Reaction.None;
    }

    /// <summary>A tick from ops or a step/settle timer, decided by <see cref="RunbookEngine.Decide"/> with the registry at hand.</summary>
    public DeviceDecision Decide(string deviceId, Func<Device, DateTimeOffset, DeviceCommand> command, CancellationToken cancellationToken,
        Action<IDocumentSession, IDeviceEvent[], DateTimeOffset>? alsoInTransaction = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        return new DeviceDecision(deviceId, async (write, state) =>
        {
            var reaction = RunbookEngine.Decide(command(state, write.Now), state, runbooks, await ContextAsync(write.Session, state, cancellationToken));
            return new Decided(reaction.Events, reaction.Timers);
        }, alsoInTransaction);
    }

    /// <summary>The registry facts a runbook step may need (vendor model and serial, ISP line, backup terminals).</summary>
    public static async Task<RunbookContext> ContextAsync(IQuerySession session, Device state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(state);
        var device = StreamIds.IsTerminal(state.Id) ? await session.LoadAsync<DeviceRegistration>(state.Id, cancellationToken) : null;
        var storeId = state.StoreId ?? device?.StoreId;
        var store = storeId is null ? null : await session.LoadAsync<StoreRegistration>(storeId, cancellationToken);
        return new RunbookContext(device, store, Guid.NewGuid);
    }

    private static bool Concerns(IDeviceEvent e) => e is IncidentOpened or IncidentReopened or IncidentResolved or CommandAnswered;
}

/// <summary>The runbook's timers: a step that got no answer or tick in time, and the settle wait after a successful command.</summary>
public sealed class RunbookTimers(DeviceWriter writer, RunbookReaction runbooks) : ITimerHandler
{
    public IReadOnlyCollection<string> Kinds { get; } = [RunbookEngine.StepTimer, RunbookEngine.SettleTimer];

    public Task FireAsync(DueTimer due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        var decision = due.Kind == RunbookEngine.StepTimer
            ? runbooks.Decide(due.DeviceId, (_, now) => new TimeOutRunbookStep(due.DeviceId, due.IncidentId, due.Level, now), cancellationToken, DurableTimers.Completes(due))
            : runbooks.Decide(due.DeviceId, (_, now) => new SettleRunbookStep(due.DeviceId, due.IncidentId, due.Level, now), cancellationToken, DurableTimers.Completes(due));
        return writer.WriteAsync([decision], cancellationToken);
    }
}
