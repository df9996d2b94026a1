using Severity = PosOps.Contracts.Incidents.Severity;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Liveness;

/// <summary>One fault in a heartbeat's health picture, with the id its incident gets if one opens.</summary>
public sealed record ReportedFault(string Component, string Code, Severity Severity, Guid NewIncidentId);

/// <summary>
/// Level-triggered reconciliation (design principle 2): the heartbeat's full picture is the truth; a
/// fault in it with no incident opens one, an incident whose fault is gone from it resolves.
/// </summary>
public sealed record ReconcileHealth(
    Guid MessageId, string DeviceId, string StoreId, long Sequence, IReadOnlyList<ReportedFault> Faults, DateTimeOffset OccurredAt, DateTimeOffset Now)
    : AgentReport(MessageId, DeviceId, StoreId, Sequence, OccurredAt, Now);

/// <summary>No heartbeat for longer than the threshold: treat as power or network loss until the device says otherwise.</summary>
public sealed record RecordSilence(string DeviceId, string StoreId, DateTimeOffset LastSeenAt, Guid NewIncidentId, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>A silent device sent a heartbeat again.</summary>
public sealed record RecordDeviceBack(string DeviceId, string StoreId, DateTimeOffset SilentSince, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>Platform stream: a large share of the fleet is silent, or no heartbeat arrives at all.</summary>
public sealed record DetectPlatformOutage(string DeviceId, string Cause, int SilentDevices, int FleetSize, Guid NewIncidentId, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);

/// <summary>Platform stream: heartbeats flow again.</summary>
public sealed record EndPlatformOutage(string DeviceId, string Reason, DateTimeOffset Now) : DeviceCommand(DeviceId, Now);
