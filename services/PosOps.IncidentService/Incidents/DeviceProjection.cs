using JasperFx.Events;
using Marten.Events.Aggregation;

namespace PosOps.IncidentService.Incidents;

/// <summary>Marten's view of the pure <see cref="DeviceDecider.Evolve"/>: the write model, aggregated live from the stream.</summary>
public sealed class DeviceProjection : SingleStreamProjection<Device, string>
{
    public override Device Evolve(Device? snapshot, string id, IEvent e) =>
        e.Data is IDeviceEvent data ? DeviceDecider.Evolve(snapshot ?? DeviceDecider.Initial(id), data) : snapshot ?? DeviceDecider.Initial(id);
}
