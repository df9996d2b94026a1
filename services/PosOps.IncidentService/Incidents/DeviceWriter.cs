using Marten;
using PosOps.IncidentService.Observability;
using PosOps.IncidentService.Runbooks;

namespace PosOps.IncidentService.Incidents;

/// <summary>
/// The write path for one stream (STYLE topic 6): fetch it with its version, decide, append what
/// follows (runbook, timers), commit; on a version conflict reload and decide again.
/// </summary>
public sealed class DeviceWriter(IDocumentStore store, IncidentReactions reactions, RunbookLibrary runbooks, TimeProvider clock, ILogger<DeviceWriter> logger)
{
    /// <param name="command">Builds the command from the current state and the time.</param>
    /// <param name="alsoInTransaction">More work for the same transaction, given the new events (e.g. the next escalation timer).</param>
    /// <returns>The events appended (empty when nothing changed).</returns>
    public Task<IDeviceEvent[]> DecideAsync(
        string deviceId,
        Func<Device, DateTimeOffset, DeviceCommand> command,
        CancellationToken cancellationToken,
        Action<IDocumentSession, IDeviceEvent[], DateTimeOffset>? alsoInTransaction = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        return WriteAsync(deviceId, (_, state, now) => Task.FromResult<(IDeviceEvent[], IReadOnlyList<TimerRequest>)>((DeviceDecider.Decide(command(state, now), state), [])),
            cancellationToken, alsoInTransaction);
    }

    /// <summary>A runbook tick or timer: decided by <see cref="RunbookEngine"/> with the registry at hand.</summary>
    public Task<IDeviceEvent[]> DecideRunbookAsync(
        string deviceId,
        Func<Device, DateTimeOffset, DeviceCommand> command,
        CancellationToken cancellationToken,
        Action<IDocumentSession, IDeviceEvent[], DateTimeOffset>? alsoInTransaction = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        return WriteAsync(deviceId, async (session, state, now) =>
        {
            var reaction = RunbookEngine.Decide(command(state, now), state, runbooks, await IncidentReactions.ContextAsync(session, state, cancellationToken));
            return ([.. reaction.Events], reaction.Timers);
        }, cancellationToken, alsoInTransaction);
    }

    private async Task<IDeviceEvent[]> WriteAsync(
        string deviceId,
        Func<IDocumentSession, Device, DateTimeOffset, Task<(IDeviceEvent[] Events, IReadOnlyList<TimerRequest> Timers)>> decide,
        CancellationToken cancellationToken,
        Action<IDocumentSession, IDeviceEvent[], DateTimeOffset>? alsoInTransaction)
    {
        IDeviceEvent[] appended = [];
        await OptimisticRetry.RunAsync(async () =>
        {
            var now = clock.GetUtcNow();
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchForWriting<Device>(deviceId, cancellationToken);
            var state = stream.Aggregate ?? DeviceDecider.Initial(deviceId);
            var (events, timers) = await decide(session, state, now);
            (_, appended) = await reactions.ApplyAsync(session, state, events, now, cancellationToken, timers);
            stream.AppendMany(EventTracing.Stamp(session, appended));
            alsoInTransaction?.Invoke(session, appended, now);
            await session.SaveChangesAsync(cancellationToken);
        }, logger);
        return appended;
    }
}
