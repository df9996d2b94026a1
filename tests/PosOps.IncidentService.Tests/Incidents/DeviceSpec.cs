using PosOps.Contracts.Incidents;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Tests.Incidents;

/// <summary>Given past events, when a command, then events: the decider driven with no broker or database.</summary>
internal static class DeviceSpec
{
    public const string DeviceId = "S01-T001";
    public const string StoreId = "S01";
    public static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    public static Device Given(params IDeviceEvent[] history) => DeviceDecider.Rebuild(DeviceId, history);

    public static IDeviceEvent[] When(Device state, DeviceCommand command) => DeviceDecider.Decide(command, state);

    public static RecordFault PaperOut(long sequence, Guid? incidentId = null, Guid? messageId = null) =>
        new(messageId ?? Guid.CreateVersion7(), DeviceId, StoreId, sequence, "printer", "PAPER_OUT", Severity.Degraded,
            T0.AddSeconds(sequence), incidentId ?? Guid.CreateVersion7(), T0.AddSeconds(sequence + 1));

    public static RecordFault WifiDown(long sequence, Guid? incidentId = null) =>
        new(Guid.CreateVersion7(), DeviceId, StoreId, sequence, "network", "WIFI_DOWN", Severity.Blocking,
            T0.AddSeconds(sequence), incidentId ?? Guid.CreateVersion7(), T0.AddSeconds(sequence + 1));

    public static RecordFaultCleared PaperBack(long sequence) =>
        new(Guid.CreateVersion7(), DeviceId, StoreId, sequence, "printer", "PAPER_OUT", T0.AddSeconds(sequence), T0.AddSeconds(sequence + 1));

    /// <summary>Runs commands one after another from nothing and returns every event they produced.</summary>
    public static IDeviceEvent[] History(params DeviceCommand[] commands)
    {
        var state = Given();
        var events = new List<IDeviceEvent>();
        foreach (var command in commands)
        {
            var produced = When(state, command);
            events.AddRange(produced);
            state = produced.Aggregate(state, DeviceDecider.Evolve);
        }

        return [.. events];
    }

    /// <summary>Runs commands one after another on any stream (a device, <c>store:…</c>, <c>platform</c>) and returns every event they produced.</summary>
    public static List<IDeviceEvent> Play(string stream, params IEnumerable<DeviceCommand> commands)
    {
        var state = DeviceDecider.Initial(stream);
        var events = new List<IDeviceEvent>();
        foreach (var command in commands)
        {
            var produced = DeviceDecider.Decide(command, state);
            events.AddRange(produced);
            state = produced.Aggregate(state, DeviceDecider.Evolve);
        }

        return events;
    }

    /// <summary>A comparable summary of a device's state (records holding lists compare by reference).</summary>
    public static string Summary(Device device) =>
        $"{device.LastSequence}|{device.OfflineReconciled}|" +
        string.Join(";", device.ActiveIncidents.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value.IncidentId}:{p.Value.Status}:{p.Value.FlapCount}:{p.Value.FlapEscalated}:{p.Value.Reopens.Count}")) + "|" +
        string.Join(";", device.FinishedIncidents.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"));

    /// <summary>The events a first PAPER_OUT produces, as history for later specs.</summary>
    public static IDeviceEvent[] PaperOutHappened(long sequence, Guid incidentId) => When(Given(), PaperOut(sequence, incidentId));
}
