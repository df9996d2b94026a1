namespace PosOps.Contracts.Agent;

/// <summary>Fields every agent message carries, so any message can be deduplicated and ordered per device.</summary>
public interface IAgentMessage
{
    /// <summary>Unique id of this message; a redelivery carries the same id.</summary>
    Guid MessageId { get; }

    /// <summary>Terminal id, unique in the fleet (letters, digits, <c>.-_:</c>, at most 64 characters).</summary>
    string DeviceId { get; }

    /// <summary>Store the terminal belongs to.</summary>
    string StoreId { get; }

    /// <summary>Per-device sequence number, increasing over every message the device sends.</summary>
    long Sequence { get; }

    /// <summary>The device's own clock when the message was produced.</summary>
    DateTimeOffset OccurredAt { get; }
}

/// <summary>Status of one component in a heartbeat.</summary>
public enum ComponentStatus
{
    /// <summary>Working normally.</summary>
    Ok,

    /// <summary>Working with reduced function (e.g. weak WiFi, on battery).</summary>
    Degraded,

    /// <summary>Not working; <see cref="ComponentHealth.Code"/> names the fault.</summary>
    Faulted,
}

/// <summary>Health of one component: display, printer, keypad, power, card-reader, software, network.</summary>
/// <param name="Component">Component name from the fault catalogue, e.g. <c>printer</c>.</param>
/// <param name="Status">Ok, Degraded or Faulted.</param>
/// <param name="Code">Fault code when not Ok, e.g. <c>PAPER_OUT</c>; otherwise null.</param>
public sealed record ComponentHealth(string Component, ComponentStatus Status, string? Code = null);

/// <summary>Network link state reported in a heartbeat.</summary>
/// <param name="Mode">Active link: <c>ethernet</c>, <c>wifi</c>, <c>cellular</c> or <c>hotspot</c>.</param>
/// <param name="SignalPercent">Signal strength 0–100 for radio links; null for wired.</param>
public sealed record NetworkState(string Mode, int? SignalPercent = null);

/// <summary>
/// Level-triggered full health picture, published every interval (15 s by default).
/// Heartbeats are not events: IncidentService keeps only the latest per device.
/// </summary>
public sealed record Heartbeat(
    Guid MessageId,
    string DeviceId,
    string StoreId,
    long Sequence,
    IReadOnlyList<ComponentHealth> Components,
    NetworkState Network,
    string AppVersion,
    string OsVersion,
    int OfflineJournalDepth,
    DateTimeOffset OccurredAt) : IAgentMessage;

/// <summary>Edge-triggered: a component fault appeared. Published at once, between heartbeats.</summary>
/// <param name="Detail">Free text from the device, for people; never interpreted.</param>
public sealed record FaultReported(
    Guid MessageId,
    string DeviceId,
    string StoreId,
    long Sequence,
    string Component,
    string Code,
    DateTimeOffset OccurredAt,
    string? Detail = null) : IAgentMessage;

/// <summary>Edge-triggered: a fault the device reported earlier has gone.</summary>
public sealed record FaultCleared(
    Guid MessageId,
    string DeviceId,
    string StoreId,
    long Sequence,
    string Component,
    string Code,
    DateTimeOffset OccurredAt) : IAgentMessage;
