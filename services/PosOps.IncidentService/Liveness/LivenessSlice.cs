using Severity = PosOps.Contracts.Incidents.Severity;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Liveness;

/// <summary>
/// What heartbeats and their absence decide: a silent device's incident and its end, the heartbeat's
/// full health picture reconciled with the open incidents (principle 2), and the platform stream's outage.
/// </summary>
public sealed class LivenessSlice : IDeviceSlice
{
    private const string Silent = DeviceDecider.Silent;

    public IReadOnlyCollection<Type> Commands { get; } =
        [typeof(RecordSilence), typeof(RecordDeviceBack), typeof(ReconcileHealth), typeof(DetectPlatformOutage), typeof(EndPlatformOutage)];

    public IReadOnlyCollection<Type> Events { get; } = [typeof(SilenceEnded), typeof(PlatformOutageDetected), typeof(PlatformOutageResolved)];

    public IDeviceEvent[] Decide(DeviceCommand command, Device state, FlapPolicy flapping) => command switch
    {
        // A heartbeat older than the last fault edge or the last reconciled heartbeat says nothing new.
        ReconcileHealth c when IncidentRules.IsReplay(c, state) || c.Sequence <= state.LastHealthSequence => [],
        ReconcileHealth c => Reconcile(state, c, flapping),
        RecordSilence c => Silence(state, c, flapping),
        RecordDeviceBack c => state.ActiveIncidents.TryGetValue(Silent, out var silent) && silent.Status != IncidentStatus.Resolved
            ?
            [
                new SilenceEnded(c.DeviceId, c.SilentSince, c.Now, Math.Round((c.Now - c.SilentSince).TotalSeconds, 1)),
                new FaultCleared(c.DeviceId, "liveness", Silent, Guid.Empty, state.LastSequence, c.Now, FaultSource.Liveness),
                new IncidentResolved(c.DeviceId, silent.IncidentId, c.StoreId, Silent, $"heartbeats resumed after {(c.Now - c.SilentSince).TotalSeconds:0} s of silence", c.Now),
            ]
            : [],
        DetectPlatformOutage c => IncidentRules.Outage(state, FaultCatalogue.PlatformOutage, "platform", "", c.NewIncidentId, c.Now, flapping,
            id => new PlatformOutageDetected(c.DeviceId, id, c.Cause, c.SilentDevices, c.FleetSize, c.Now)),
        EndPlatformOutage c => IncidentRules.EndOutage(state, FaultCatalogue.PlatformOutage, "", c.Reason, c.Now,
            id => new PlatformOutageResolved(c.DeviceId, id, c.Reason, c.Now)),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "not a liveness command"),
    };

    // The gap is kept in the event for MTTR and audit; the state is carried by the FaultCleared and IncidentResolved beside it.
    public Device Evolve(Device state, IDeviceEvent @event) => state;

    private static IDeviceEvent[] Reconcile(Device state, ReconcileHealth c, FlapPolicy flapping)
    {
        var events = new List<IDeviceEvent>();
        var reported = c.Faults.Select(f => f.Code).ToHashSet(StringComparer.Ordinal);
        foreach (var fault in c.Faults)
        {
            if (!state.ActiveIncidents.TryGetValue(fault.Code, out var active))
            {
                events.Add(new FaultDetected(c.DeviceId, c.StoreId, fault.Component, fault.Code, fault.Severity, c.MessageId, c.Sequence, c.OccurredAt, FaultSource.Heartbeat));
                events.Add(new IncidentOpened(c.DeviceId, fault.NewIncidentId, c.StoreId, fault.Component, fault.Code, fault.Severity, c.OccurredAt, FaultCatalogue.IsConnectivity(fault.Code)));
            }
            else if (active.Status == IncidentStatus.Resolved)
            {
                events.Add(new FaultDetected(c.DeviceId, c.StoreId, fault.Component, fault.Code, fault.Severity, c.MessageId, c.Sequence, c.OccurredAt, FaultSource.Heartbeat));
                events.AddRange(IncidentRules.Reopen(state, active, "the heartbeat reports the fault again", c.OccurredAt, flapping));
            }
        }

        foreach (var gone in state.ActiveIncidents.Values.Where(i => i.Status != IncidentStatus.Resolved && i.FaultCode != Silent && !reported.Contains(i.FaultCode)))
        {
            events.Add(new FaultCleared(c.DeviceId, gone.Component, gone.FaultCode, c.MessageId, c.Sequence, c.OccurredAt, FaultSource.Heartbeat));
            events.Add(new IncidentResolved(c.DeviceId, gone.IncidentId, c.StoreId, gone.FaultCode, "no longer reported in the heartbeat", c.OccurredAt));
        }

        return [.. events];
    }

    private static IDeviceEvent[] Silence(Device state, RecordSilence c, FlapPolicy flapping)
    {
        var detected = new FaultDetected(c.DeviceId, c.StoreId, "liveness", Silent, Severity.Blocking, Guid.Empty, state.LastSequence, c.Now, FaultSource.Liveness);
        if (!state.ActiveIncidents.TryGetValue(Silent, out var active))
        {
            return [detected, new IncidentOpened(c.DeviceId, c.NewIncidentId, c.StoreId, "liveness", Silent, Severity.Blocking, c.Now, AlertHeld: true)];
        }

        return active.Status == IncidentStatus.Resolved ? [detected, .. IncidentRules.Reopen(state, active, $"silent again since {c.LastSeenAt:O}", c.Now, flapping)] : [];
    }
}
