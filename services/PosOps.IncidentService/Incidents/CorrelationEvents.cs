
namespace PosOps.IncidentService.Incidents;

/// <summary>
/// Store stream (key <c>store:{id}</c>): most of the store's terminals lost network or went silent
/// together. The store incident itself is an IncidentOpened (STORE_OUTAGE) in the same stream.
/// </summary>
public sealed record StoreOutageDetected(
    string DeviceId, Guid IncidentId, string StoreId, string Cause, IReadOnlyList<string> DeviceIds, int StoreTerminals, DateTimeOffset OccurredAt) : IIncidentEvent;

/// <summary>Store stream: the store's terminals trade again.</summary>
public sealed record StoreOutageResolved(string DeviceId, Guid IncidentId, string StoreId, string Reason, DateTimeOffset OccurredAt) : IDeviceEvent;

/// <summary>Platform stream (key <c>platform</c>): a large share of the fleet went silent at once, or no heartbeat arrived at all.</summary>
public sealed record PlatformOutageDetected(string DeviceId, Guid IncidentId, string Cause, int SilentDevices, int FleetSize, DateTimeOffset OccurredAt) : IDeviceEvent;

/// <summary>Platform stream: heartbeats flow again.</summary>
public sealed record PlatformOutageResolved(string DeviceId, Guid IncidentId, string Reason, DateTimeOffset OccurredAt) : IDeviceEvent;

/// <summary>Device stream: a store or platform incident covers this device incident; its alert is held back.</summary>
public sealed record IncidentLinked(string DeviceId, Guid IncidentId, Guid CoveredBy, string StoreId, DateTimeOffset OccurredAt) : IIncidentEvent;

/// <summary>
/// Device stream: the alert-hold of a connectivity incident ended. The IncidentOpened integration event
/// goes out now, with <see cref="HeldBackBy"/> set when a store or platform incident covers it.
/// </summary>
public sealed record IncidentAlertReleased(string DeviceId, Guid IncidentId, Guid? HeldBackBy, DateTimeOffset OccurredAt) : IIncidentEvent;
