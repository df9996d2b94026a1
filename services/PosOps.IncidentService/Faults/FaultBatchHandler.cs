using PosOps.Contracts;
using PosOps.Contracts.Agent;
using Wire = PosOps.Contracts.Agent;
using PosOps.IncidentService.AgentInbox;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Faults;

/// <summary>
/// Fault and clear edges → the device's stream. A batch is one transaction: each device stream is
/// fetched once with its version, decided in message order, and appended with an expected-version
/// check, so two replicas never both write the same change (design principle 4).
/// </summary>
public sealed class FaultBatchHandler(DeviceWriter writer) : IAgentBatchHandler
{
    public string Queue => WireNames.FaultQueue;

    public IReadOnlyList<string> AcceptedTypes { get; } =
        [AgentMessageTypes.FaultReported, AgentMessageTypes.FaultCleared, AgentMessageTypes.NetworkSwitched, AgentMessageTypes.CommandResult];

    public Task HandleAsync(IReadOnlyList<IAgentMessage> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return writer.WriteAsync(
            [.. batch.Select(message => new DeviceDecision(message.DeviceId,
                (write, state) => ValueTask.FromResult(new Decided(DeviceDecider.Decide(ToCommand(message, write.Now), state))), Message: message))],
            cancellationToken);
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
