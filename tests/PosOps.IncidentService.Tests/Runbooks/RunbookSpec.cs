using PosOps.Contracts.Agent;
using PosOps.Contracts.Incidents;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Registry;
using PosOps.IncidentService.Runbooks;
using static PosOps.IncidentService.Tests.Incidents.DeviceSpec;

namespace PosOps.IncidentService.Tests.Runbooks;

/// <summary>Given (device history) / when (a fault, an answer, a tick, a timer) / then (runbook events).</summary>
internal static class RunbookSpec
{
    public static readonly RunbookLibrary Library = RunbookLibrary.Load(Path.Combine(AppContext.BaseDirectory, "Runbooks", "Definitions"));

    public static readonly DeviceRegistration Registered = new(DeviceId, StoreId, "PX-7", "SN-0042", "front till", "key", T0);

    public static readonly StoreRegistration Store = new(StoreId, "Nanjing Road", "east", "China Telecom", "LN-88-2041", ["mall"], ["S01-B01"]);

    public static RunbookContext Context(StoreRegistration? store = null)
    {
        var next = 0;
        return new RunbookContext(Registered, store ?? Store, () => new Guid(0x0192f3a0, 0x7b1d, 0x7000, 0x90, 0, 0, 0, 0, 0, 0, (byte)++next));
    }

    /// <summary>Runs device commands and lets the runbook react to each, as the service does in one transaction.</summary>
    public static (Device State, List<IDeviceEvent> Events, List<TimerRequest> Timers) Run(RunbookContext context, params DeviceCommand[] commands) =>
        Continue((Given(), [], []), context, commands);

    public static (Device State, List<IDeviceEvent> Events, List<TimerRequest> Timers) Continue(
        (Device State, List<IDeviceEvent> Events, List<TimerRequest> Timers) from, RunbookContext context, params DeviceCommand[] commands)
    {
        var (state, events, timers) = (from.State, new List<IDeviceEvent>(from.Events), new List<TimerRequest>(from.Timers));
        foreach (var command in commands)
        {
            Reaction reaction;
            if (command is TickRunbookStep or TimeOutRunbookStep or SettleRunbookStep)
            {
                reaction = RunbookEngine.Decide(command, state, Library, context);
            }
            else
            {
                var decided = DeviceDecider.Decide(command, state);
                events.AddRange(decided);
                state = decided.Aggregate(state, DeviceDecider.Evolve);
                reaction = RunbookEngine.React(state, decided, Library, context, command.Now);
            }

            events.AddRange(reaction.Events);
            timers.AddRange(reaction.Timers);
            state = reaction.Events.Aggregate(state, DeviceDecider.Evolve);
        }

        return (state, events, timers);
    }

    public static RecordFault Fault(string component, string code, long sequence, Guid incidentId) =>
        new(Guid.CreateVersion7(), DeviceId, StoreId, sequence, component, code,
            FaultCatalogue.TryFind(component, code, out var entry, out _) ? entry.Severity : Severity.Minor, T0.AddSeconds(sequence), incidentId, T0.AddSeconds(sequence));

    public static RecordFaultCleared Cleared(string component, string code, long sequence) =>
        new(Guid.CreateVersion7(), DeviceId, StoreId, sequence, component, code, T0.AddSeconds(sequence), T0.AddSeconds(sequence));

    public static RecordCommandResult Answer(Guid commandId, Contracts.Commands.CommandKind kind, CommandStatus status, long sequence) =>
        new(Guid.CreateVersion7(), DeviceId, StoreId, sequence, commandId, kind, status, status == CommandStatus.Succeeded ? "done" : "could not", 900, T0.AddSeconds(sequence), T0.AddSeconds(sequence));

    public static string[] Steps(IEnumerable<IDeviceEvent> events) => [.. events.OfType<RunbookStepStarted>().Select(s => s.StepId)];
}
