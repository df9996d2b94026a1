
namespace PosOps.IncidentService.Incidents;

/// <summary>The alert-hold timer of a connectivity incident fired: send its alert (held back if covered).</summary>
public sealed record ReleaseAlert(string DeviceId, Guid IncidentId, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>A store or platform incident covers this device incident.</summary>
public sealed record LinkIncident(string DeviceId, Guid IncidentId, Guid CoveredBy, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>Store stream: most of the store's terminals are out together.</summary>
public sealed record DetectStoreOutage(
    string DeviceId, string StoreId, string Cause, IReadOnlyList<string> DeviceIds, int StoreTerminals, Guid NewIncidentId, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>Store stream: the store trades again.</summary>
public sealed record EndStoreOutage(string DeviceId, string StoreId, string Reason, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>Platform stream: a large share of the fleet is silent, or no heartbeat arrives at all.</summary>
public sealed record DetectPlatformOutage(string DeviceId, string Cause, int SilentDevices, int FleetSize, Guid NewIncidentId, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>Platform stream: heartbeats flow again.</summary>
public sealed record EndPlatformOutage(string DeviceId, string Reason, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);
