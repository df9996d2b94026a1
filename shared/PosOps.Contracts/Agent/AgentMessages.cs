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

/// <summary>Edge-triggered: the terminal moved to another network link (failover or failback).</summary>
/// <param name="From">Link it left: <c>ethernet</c>, <c>wifi</c>, <c>cellular</c>, <c>hotspot</c>, or <c>none</c>.</param>
/// <param name="To">Link it uses now, or <c>none</c> when every link is down.</param>
/// <param name="Reason">Why: <c>failover</c>, <c>failback</c>, <c>recovered</c> (a link is back after none was), or <c>command</c>.</param>
public sealed record NetworkSwitched(
    Guid MessageId,
    string DeviceId,
    string StoreId,
    long Sequence,
    string From,
    string To,
    string Reason,
    DateTimeOffset OccurredAt) : IAgentMessage;

/// <summary>How a command ended on the terminal.</summary>
public enum CommandStatus
{
    /// <summary>Done; the expected result was reached.</summary>
    Succeeded,

    /// <summary>Tried and did not reach the expected result.</summary>
    Failed,

    /// <summary>Not tried: expired before it arrived, unknown, or not allowed now.</summary>
    Refused,
}

/// <summary>The answer to an <see cref="Commands.AgentCommand"/>; one per command id, however often the command arrives.</summary>
/// <param name="Detail">What happened, for people (e.g. "switched wifi -> cellular", "expired 12 s ago").</param>
public sealed record CommandResult(
    Guid MessageId,
    string DeviceId,
    string StoreId,
    long Sequence,
    Guid CommandId,
    Commands.CommandKind Command,
    CommandStatus Status,
    string Detail,
    long DurationMilliseconds,
    DateTimeOffset OccurredAt) : IAgentMessage;

/// <summary>One transaction the terminal took while the payment host was unreachable (store-and-forward).</summary>
/// <param name="TransactionId">The payment app's id; the idempotency key: a transaction is recorded once.</param>
/// <param name="Amount">Amount in the currency's major unit (e.g. 12.50).</param>
/// <param name="Currency">ISO 4217 code, e.g. <c>CNY</c>.</param>
/// <param name="TakenAt">Device time the sale was made.</param>
public sealed record OfflineTransaction(string TransactionId, decimal Amount, string Currency, DateTimeOffset TakenAt, string? Reference = null);

/// <summary>Total of a set of offline transactions in one currency.</summary>
public sealed record CurrencyTotal(string Currency, int Count, decimal Amount);

/// <summary>
/// A batch of offline transactions uploaded on recovery. <see cref="JournalTotals"/> covers every
/// transaction of the device queued for upload so far (earlier batches and this one), so
/// IncidentService can check that it now holds exactly that.
/// </summary>
public sealed record OfflineTransactionsUploaded(
    Guid MessageId,
    string DeviceId,
    string StoreId,
    long Sequence,
    IReadOnlyList<OfflineTransaction> Transactions,
    IReadOnlyList<CurrencyTotal> JournalTotals,
    DateTimeOffset OccurredAt) : IAgentMessage;

/// <summary>A device registry entry: the inventory that vendor-support steps and auditors need, and the device's signing key (base64).</summary>
public sealed record DeviceRegistryEntry(string DeviceId, string StoreId, string Model, string Serial, string? Location, string Key);

/// <summary>
/// A store in the registry file: what ISP contact steps, backup-terminal steps and alert routing need.
/// </summary>
/// <param name="LineId">The store's line id at its ISP (for the ISP contact step).</param>
/// <param name="BackupDeviceIds">Spare terminals kept at the store to swap in at once (the guide's prevention advice).</param>
public sealed record StoreRegistryEntry(
    string StoreId,
    string Name,
    string? Region = null,
    string? Isp = null,
    string? LineId = null,
    IReadOnlyList<string>? Tags = null,
    IReadOnlyList<string>? BackupDeviceIds = null);

/// <summary>The registry file: devices (with their signing keys) and, optionally, stores.</summary>
public sealed record FleetRegistry(IReadOnlyList<DeviceRegistryEntry> Devices, IReadOnlyList<StoreRegistryEntry>? Stores = null);
