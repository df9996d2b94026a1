using JasperFx.Events;
using Marten;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using Wire = PosOps.Contracts.Agent;
using PosOps.IncidentService.AgentInbox;
using PosOps.IncidentService.Observability;

namespace PosOps.IncidentService.Incidents;

/// <summary>
/// Fault and clear edges → the device's stream. A batch is one transaction: each device stream is
/// fetched once with its version, decided in message order, and appended with an expected-version
/// check, so two replicas never both write the same change (design principle 4).
/// </summary>
public sealed class FaultBatchHandler(IDocumentStore store, IncidentReactions reactions, TimeProvider clock, ILogger<FaultBatchHandler> logger) : IAgentBatchHandler
{
    public string Queue => WireNames.FaultQueue;

    public IReadOnlyList<string> AcceptedTypes { get; } =
        [AgentMessageTypes.FaultReported, AgentMessageTypes.FaultCleared, AgentMessageTypes.NetworkSwitched, AgentMessageTypes.CommandResult];

    public Task HandleAsync(IReadOnlyList<IAgentMessage> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return OptimisticRetry.RunAsync(() => TryHandleAsync(batch, cancellationToken), logger);
    }

    private async Task TryHandleAsync(IReadOnlyList<IAgentMessage> batch, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var streams = new Dictionary<string, (IEventStream<Device> Stream, Device State)>(StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        foreach (var message in batch)
        {
            if (!streams.TryGetValue(message.DeviceId, out var entry))
            {
                var stream = await session.Events.FetchForWriting<Device>(message.DeviceId, cancellationToken);
                entry = (stream, stream.Aggregate ?? DeviceDecider.Initial(message.DeviceId));
            }

            using var span = EventTracing.StartApply(message);
            var events = DeviceDecider.Decide(ToCommand(message, now), entry.State);
            if (events.Length > 0)
            {
                var (after, appended) = await reactions.ApplyAsync(session, entry.State, events, now, cancellationToken);
                entry.Stream.AppendMany(EventTracing.Stamp(session, appended));
                entry = (entry.Stream, after);
            }

            streams[message.DeviceId] = entry;
        }

        await session.SaveChangesAsync(cancellationToken);
    }

    private static DeviceCommand ToCommand(IAgentMessage message, DateTimeOffset now) => message switch
    {
        FaultReported f => new RecordFault(f.MessageId, f.DeviceId, f.StoreId, f.Sequence, f.Component, f.Code, Severity(f.Component, f.Code),
            f.OccurredAt, Guid.CreateVersion7(now), now),
        Wire.FaultCleared c => new RecordFaultCleared(c.MessageId, c.DeviceId, c.StoreId, c.Sequence, c.Component, c.Code, c.OccurredAt, now),
        Wire.NetworkSwitched n => new RecordNetworkSwitch(n.MessageId, n.DeviceId, n.StoreId, n.Sequence, n.From, n.To, n.Reason, n.OccurredAt, now),
        CommandResult r => new RecordCommandResult(r.MessageId, r.DeviceId, r.StoreId, r.Sequence, r.CommandId, r.Command, r.Status, r.Detail, r.DurationMilliseconds, r.OccurredAt, now),
        _ => throw new InvalidOperationException($"{message.GetType().Name} does not belong on the fault queue"),
    };

    private static Contracts.Incidents.Severity Severity(string component, string code) =>
        FaultCatalogue.TryFind(component, code, out var entry, out var problem) ? entry.Severity : throw new InvalidOperationException(problem);
}
