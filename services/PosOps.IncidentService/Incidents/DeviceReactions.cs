using Marten;

namespace PosOps.IncidentService.Incidents;

/// <summary>A durable timer a decision asks for (written in the same transaction as its events).</summary>
public sealed record TimerRequest(string Kind, Guid IncidentId, int Level, DateTimeOffset DueAt);

/// <summary>Events to append after the ones that caused them, and the timers they start.</summary>
public sealed record Reaction(IReadOnlyList<IDeviceEvent> Events, IReadOnlyList<TimerRequest> Timers)
{
    public static readonly Reaction None = new([], []);
}

/// <summary>
/// A feature's part in what follows a decision, in the same transaction (the runbook's next step, the
/// escalation and follow-up deadlines, the alert hold). Features register theirs; the kernel knows none.
/// </summary>
public interface IDeviceReaction
{
    /// <param name="after">The state after <paramref name="happened"/>.</param>
    /// <param name="happened">The events decided, then those of the reactions that ran before this one.</param>
    ValueTask<Reaction> ReactAsync(IDocumentSession session, Device after, IReadOnlyList<IDeviceEvent> happened, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>
/// What follows a decision, wherever it was decided (inbox batch, silence, timer, HTTP): every registered
/// reaction in registration order, then every timer asked for, queued in the session.
/// </summary>
public sealed class DeviceReactions(IEnumerable<IDeviceReaction> reactions)
{
    private readonly IDeviceReaction[] reactions = [.. reactions];

    /// <summary>
    /// Returns <paramref name="decided"/> followed by what follows from it (to append together), queues the
    /// timers in the session, and returns the state after all of them.
    /// </summary>
    public async Task<(Device State, IDeviceEvent[] Appended)> ApplyAsync(
        IDocumentSession session, Device before, IReadOnlyList<IDeviceEvent> decided, DateTimeOffset now, CancellationToken cancellationToken, IReadOnlyList<TimerRequest>? timers = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(decided);
        if (decided.Count == 0 && timers is null or { Count: 0 })
        {
            return (before, []);
        }

        var after = decided.Aggregate(before, DeviceDecider.Evolve);
        List<IDeviceEvent> all = [.. decided];
        List<TimerRequest> requested = [.. timers ?? []];
        foreach (var reaction in reactions)
        {
            var (events, more) = await reaction.ReactAsync(session, after, all, now, cancellationToken);
            all.AddRange(events);
            after = events.Aggregate(after, DeviceDecider.Evolve);
            requested.AddRange(more);
        }

        foreach (var timer in requested)
        {
            DurableTimers.Schedule(session, timer.Kind, before.Id, timer.IncidentId, timer.Level, timer.DueAt, now);
        }

        return (after, [.. all]);
    }
}
