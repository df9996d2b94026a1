using Marten;
using Microsoft.Extensions.Options;
using PosOps.IncidentService.Correlation;
using PosOps.IncidentService.Registry;
using PosOps.IncidentService.Runbooks;
using PosOps.IncidentService.Timers;

namespace PosOps.IncidentService.Incidents;

/// <summary>
/// What follows a decision in the same transaction, wherever it was decided (fault batch, heartbeat
/// batch, silence, timers, HTTP): the runbook's next events and every durable timer the events start.
/// </summary>
public sealed class IncidentReactions(RunbookLibrary runbooks, IOptions<FollowUpOptions> followUp, IOptions<CorrelationOptions> correlation)
{
    public const string AlertHoldTimer = "alert-hold";

    /// <summary>
    /// Returns <paramref name="decided"/> followed by what follows from it (to append together), queues the
    /// timers in the session, and returns the state after all of them.
    /// </summary>
    public async Task<(Device State, IDeviceEvent[] Appended)> ApplyAsync(
        IDocumentSession session, Device before, IDeviceEvent[] decided, DateTimeOffset now, CancellationToken cancellationToken, IReadOnlyList<TimerRequest>? timers = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(decided);
        if (decided.Length == 0 && timers is null or { Count: 0 })
        {
            return (before, []);
        }

        var after = decided.Aggregate(before, DeviceDecider.Evolve);
        var reaction = decided.Any(Concerns)
            ? RunbookEngine.React(after, decided, runbooks, await ContextAsync(session, after, cancellationToken), now)
            : Reaction.None;
        IDeviceEvent[] all = [.. decided, .. reaction.Events];
        after = reaction.Events.Aggregate(after, DeviceDecider.Evolve);

        DurableTimers.ScheduleFor(session, all, followUp.Value, now);
        foreach (var timer in reaction.Timers.Concat(timers ?? []))
        {
            DurableTimers.Schedule(session, timer.Kind, before.Id, timer.IncidentId, timer.Level, timer.DueAt, now);
        }

        foreach (var held in all.OfType<IncidentOpened>().Where(o => o.AlertHeld))
        {
            DurableTimers.Schedule(session, AlertHoldTimer, held.DeviceId, held.IncidentId, 1, now + correlation.Value.AlertHold, now);
        }

        return (after, all);
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
