using JasperFx.Events;
using Marten;
using PosOps.Contracts.Agent;

namespace PosOps.IncidentService.Incidents;

/// <summary>What one decision produced: events for its stream, and durable timers it asks for.</summary>
public sealed record Decided(IReadOnlyList<IDeviceEvent> Events, IReadOnlyList<TimerRequest>? Timers = null);

/// <summary>The transaction a decision runs in: its session (for reads and extra writes) and its time.</summary>
public sealed record DeviceWrite(IDocumentSession Session, DateTimeOffset Now);

/// <summary>
/// One decision of a write: the stream it concerns, how to decide from that stream's state, and more work for
/// the same transaction given the events appended (a fired timer deleted, offline transactions stored).
/// <paramref name="Message"/> is the agent message it applies, whose trace the events carry.
/// </summary>
public sealed record DeviceDecision(
    string StreamId,
    Func<DeviceWrite, Device, ValueTask<Decided>> Decide,
    Action<IDocumentSession, IDeviceEvent[], DateTimeOffset>? AlsoInTransaction = null,
    IAgentMessage? Message = null);

/// <summary>
/// The one write path (STYLE topic 6, design principle 4), for inbox batches, timers, watchers and HTTP
/// actions alike: fetch each stream once with its version, decide in order, add the features' reactions
/// (runbook, timers), stamp the trace, append, and commit every stream of the batch in one transaction; on a version
/// conflict reload and decide everything again.
/// </summary>
public sealed class DeviceWriter(IDocumentStore store, DeviceReactions reactions, TimeProvider clock, ILogger<DeviceWriter> logger)
{
    /// <summary>Decides <paramref name="decisions"/> in order in one commit; returns the events each one appended.</summary>
    public async Task<IReadOnlyList<IDeviceEvent[]>> WriteAsync(IReadOnlyList<DeviceDecision> decisions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        IDeviceEvent[][] appended = [];
        await OptimisticRetry.RunAsync(async () =>
        {
            appended = new IDeviceEvent[decisions.Count][];
            var now = clock.GetUtcNow();
            await using var session = store.LightweightSession();
            var write = new DeviceWrite(session, now);
            var streams = new Dictionary<string, (IEventStream<Device> Stream, Device State)>(StringComparer.Ordinal);
            for (var i = 0; i < decisions.Count; i++)
            {
                var decision = decisions[i];
                using var span = decision.Message is null ? null : EventTracing.StartApply(decision.Message);
                if (!streams.TryGetValue(decision.StreamId, out var entry))
                {
                    var stream = await session.Events.FetchForWriting<Device>(decision.StreamId, cancellationToken);
                    entry = (stream, stream.Aggregate ?? DeviceDecider.Initial(decision.StreamId));
                }

                var decided = await decision.Decide(write, entry.State);
                var (after, events) = await reactions.ApplyAsync(session, entry.State, decided.Events, now, cancellationToken, decided.Timers);
                entry.Stream.AppendMany(EventTracing.Stamp(session, events));
                decision.AlsoInTransaction?.Invoke(session, events, now);
                streams[decision.StreamId] = (entry.Stream, after);
                appended[i] = events;
            }

            await session.SaveChangesAsync(cancellationToken);
        }, logger);
        return appended;
    }

    /// <param name="command">Builds the command from the current state and the time.</param>
    /// <param name="alsoInTransaction">More work for the same transaction, given the new events (e.g. the next escalation timer).</param>
    /// <returns>The events appended (empty when nothing changed).</returns>
    public async Task<IDeviceEvent[]> DecideAsync(
        string deviceId,
        Func<Device, DateTimeOffset, DeviceCommand> command,
        CancellationToken cancellationToken,
        Action<IDocumentSession, IDeviceEvent[], DateTimeOffset>? alsoInTransaction = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        var appended = await WriteAsync(
            [new DeviceDecision(deviceId, (write, state) => ValueTask.FromResult(new Decided(DeviceDecider.Decide(command(state, write.Now), state))), alsoInTransaction)],
            cancellationToken);
        return appended[0];
    }
}
