using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Correlation;

/// <summary>
/// Store correlation and the alert hold: a store stream's outage incident, device incidents linked to it,
/// and the held alert of a connectivity incident released when the correlation window has decided.
/// </summary>
public sealed class CorrelationSlice : IDeviceSlice
{
    public IReadOnlyCollection<Type> Commands { get; } = [typeof(ReleaseAlert), typeof(LinkIncident), typeof(DetectStoreOutage), typeof(EndStoreOutage)];

    public IReadOnlyCollection<Type> Events { get; } =
        [typeof(IncidentLinked), typeof(IncidentAlertReleased), typeof(StoreOutageDetected), typeof(StoreOutageResolved)];

    public IDeviceEvent[] Decide(DeviceCommand command, Device state, FlapPolicy flapping) => command switch
    {
        ReleaseAlert c => state.FindActive(c.IncidentId) is { AlertPending: true } held
            ? [new IncidentAlertReleased(c.DeviceId, c.IncidentId, held.CoveredBy, c.Now)]
            : [],
        LinkIncident c => state.FindActive(c.IncidentId) is { CoveredBy: null }
            ? [new IncidentLinked(c.DeviceId, c.IncidentId, c.CoveredBy, state.StoreId ?? "", c.Now)]
            : [],
        DetectStoreOutage c => IncidentRules.Outage(state, FaultCatalogue.StoreOutage, "store", c.StoreId, c.NewIncidentId, c.Now, flapping,
            id => new StoreOutageDetected(c.DeviceId, id, c.StoreId, c.Cause, c.DeviceIds, c.StoreTerminals, c.Now)),
        EndStoreOutage c => IncidentRules.EndOutage(state, FaultCatalogue.StoreOutage, c.StoreId, c.Reason, c.Now,
            id => new StoreOutageResolved(c.DeviceId, id, c.StoreId, c.Reason, c.Now)),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "not a correlation command"),
    };

    public Device Evolve(Device state, IDeviceEvent @event) => @event switch
    {
        IncidentLinked e => IncidentRules.Update(state, e.IncidentId, i => i with { CoveredBy = e.CoveredBy }),
        IncidentAlertReleased e => IncidentRules.Update(state, e.IncidentId, i => i with { AlertPending = false }),
        _ => state, // the store stream's detection and end: its IncidentOpened and IncidentResolved carry the state
    };
}
