
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Correlation;

/// <summary>The alert-hold timer of a connectivity incident fired: send its alert (held back if covered).</summary>
public sealed record ReleaseAlert(string DeviceId, Guid IncidentId, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>A store or platform incident covers this device incident.</summary>
public sealed record LinkIncident(string DeviceId, Guid IncidentId, Guid CoveredBy, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>Store stream: most of the store's terminals are out together.</summary>
public sealed record DetectStoreOutage(
    string DeviceId, string StoreId, string Cause, IReadOnlyList<string> DeviceIds, int StoreTerminals, Guid NewIncidentId, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>Store stream: the store trades again.</summary>
public sealed record EndStoreOutage(string DeviceId, string StoreId, string Reason, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);
