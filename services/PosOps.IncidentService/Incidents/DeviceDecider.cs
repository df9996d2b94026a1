using System.Collections.Immutable;
using PosOps.Contracts.Incidents;

namespace PosOps.IncidentService.Incidents;

public abstract record DeviceCommand(Guid MessageId, string DeviceId, string StoreId, long Sequence, DateTimeOffset OccurredAt, DateTimeOffset Now);

/// <summary>The agent reported a fault. <paramref name="NewIncidentId"/> is used only if an incident opens.</summary>
public sealed record RecordFault(
    Guid MessageId, string DeviceId, string StoreId, long Sequence, string Component, string FaultCode, Severity Severity,
    DateTimeOffset OccurredAt, Guid NewIncidentId, DateTimeOffset Now)
    : DeviceCommand(MessageId, DeviceId, StoreId, Sequence, OccurredAt, Now);

/// <summary>The agent reported that a fault cleared.</summary>
public sealed record RecordFaultCleared(
    Guid MessageId, string DeviceId, string StoreId, long Sequence, string Component, string FaultCode,
    DateTimeOffset OccurredAt, DateTimeOffset Now)
    : DeviceCommand(MessageId, DeviceId, StoreId, Sequence, OccurredAt, Now);

/// <summary>
/// Pure decide/evolve/initial for one device (the Decider pattern). Decide: state + command → events. An empty result means "nothing changed"
/// (a replay, a late message, or a fault that is already open): that is how redelivery stays harmless.
/// </summary>
public static class DeviceDecider
{
    public static Device Initial(string deviceId) =>
        new(deviceId, null, -1, ImmutableDictionary<string, OpenIncident>.Empty.WithComparers(StringComparer.Ordinal));

    public static Device Evolve(Device state, IDeviceEvent @event) => @event switch
    {
        FaultDetected e => state with { StoreId = e.StoreId, LastSequence = Math.Max(state.LastSequence, e.Sequence) },
        IncidentOpened e => state with
        {
            OpenIncidents = state.OpenIncidents.SetItem(e.FaultCode, new OpenIncident(e.IncidentId, e.Component, e.FaultCode, e.Severity, e.OccurredAt)),
        },
        FaultCleared e => state with { LastSequence = Math.Max(state.LastSequence, e.Sequence) },
        IncidentResolved e => state with { OpenIncidents = state.OpenIncidents.Remove(e.FaultCode) },
        _ => throw new InvalidOperationException($"Device cannot evolve with {@event.GetType().Name}"),
    };

    public static Device Rebuild(string deviceId, IEnumerable<IDeviceEvent> events) =>
        events.Aggregate(Initial(deviceId), Evolve);

    public static IDeviceEvent[] Decide(DeviceCommand command, Device state)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        if (!string.Equals(command.DeviceId, state.Id, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Command for device '{command.DeviceId}' sent to stream '{state.Id}'");
        }

        if (command.Sequence <= state.LastSequence)
        {
            return [];
        }

        return command switch
        {
            RecordFault c when state.OpenIncidents.ContainsKey(c.FaultCode) => [],
            RecordFault c =>
            [
                new FaultDetected(c.DeviceId, c.StoreId, c.Component, c.FaultCode, c.Severity, c.MessageId, c.Sequence, c.OccurredAt),
                new IncidentOpened(c.DeviceId, c.NewIncidentId, c.StoreId, c.Component, c.FaultCode, c.Severity, c.OccurredAt),
            ],
            RecordFaultCleared c when state.OpenIncidents.TryGetValue(c.FaultCode, out var open) =>
            [
                new FaultCleared(c.DeviceId, c.Component, c.FaultCode, c.MessageId, c.Sequence, c.OccurredAt),
                new IncidentResolved(c.DeviceId, open.IncidentId, c.StoreId, c.FaultCode, "fault cleared by the device", c.OccurredAt),
            ],
            RecordFaultCleared => [],
            _ => throw new InvalidOperationException($"Unknown device command {command.GetType().Name}"),
        };
    }
}
