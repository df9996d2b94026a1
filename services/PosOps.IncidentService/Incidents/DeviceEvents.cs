using PosOps.Contracts.Incidents;

namespace PosOps.IncidentService.Incidents;

/// <summary>Everything that can happen in a device's stream (stream key = device id).</summary>
public interface IDeviceEvent
{
    string DeviceId { get; }
}

/// <summary>The device said a component failed. MessageId and Sequence make a redelivery harmless.</summary>
public sealed record FaultDetected(
    string DeviceId,
    string StoreId,
    string Component,
    string FaultCode,
    Severity Severity,
    Guid MessageId,
    long Sequence,
    DateTimeOffset OccurredAt) : IDeviceEvent;

/// <summary>One incident per (device, fault) episode.</summary>
public sealed record IncidentOpened(
    string DeviceId,
    Guid IncidentId,
    string StoreId,
    string Component,
    string FaultCode,
    Severity Severity,
    DateTimeOffset OccurredAt) : IDeviceEvent;

/// <summary>The device said a fault it reported has gone.</summary>
public sealed record FaultCleared(
    string DeviceId,
    string Component,
    string FaultCode,
    Guid MessageId,
    long Sequence,
    DateTimeOffset OccurredAt) : IDeviceEvent;

/// <summary>The fault behind the incident is gone; the follow-up check (verification) comes later.</summary>
public sealed record IncidentResolved(
    string DeviceId,
    Guid IncidentId,
    string StoreId,
    string FaultCode,
    string Reason,
    DateTimeOffset OccurredAt) : IDeviceEvent;
