using System.Globalization;
using PosOps.Contracts.Incidents;

namespace PosOps.NotificationService;

/// <summary>
/// What ops are told: one per (incident, transition). <see cref="EventId"/> is the integration event
/// id, stable across redeliveries, so with the receiver it is the dedupe key. This record is also the
/// generic webhook's JSON body.
/// </summary>
public sealed record Alert(
    Guid EventId,
    string Kind,
    Guid IncidentId,
    string DeviceId,
    string StoreId,
    string? Component,
    string FaultCode,
    Severity? Severity,
    string Text,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt)
{
    public const string DigestKind = "digest";

    /// <summary>Kinds that start an incident's alerts (and digests): they never wait for earlier ones.</summary>
    public static readonly IReadOnlyList<string> OpeningKinds = ["incident.opened", "store.outage.detected", "platform.outage.detected", DigestKind];

    public static bool IsOpening(string kind) => OpeningKinds.Contains(kind);

    public string? Region { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Escalation level (1 = first escalation) for <c>incident.escalated</c>.</summary>
    public int? Level { get; init; }

    /// <summary>The store or platform incident that covers this one: recorded, not sent.</summary>
    public Guid? HeldBackBy { get; init; }

    /// <summary>Reason, workaround or who acted, as the event gives it.</summary>
    public string? Detail { get; init; }

    /// <summary>Terminals a store outage or a digest is about.</summary>
    public IReadOnlyList<string>? DeviceIds { get; init; }

    /// <summary>Stores a digest is about.</summary>
    public IReadOnlyList<string>? StoreIds { get; init; }

    /// <summary>Link that acknowledges the incident (signed, expiring); filled in per receiver when sent.</summary>
    public string? AckUrl { get; init; }

    /// <summary>The receiver this copy went to; filled in when sent.</summary>
    public string? Receiver { get; init; }

    public string Key(string receiver) => $"{EventId:N}:{receiver}";

    /// <summary>What the opening of an incident tells later transitions (they carry less).</summary>
    public IncidentMemo Memo() => new(IncidentId, DeviceId, StoreId, Component, FaultCode, Severity, Region, Tags ?? [], HeldBackBy);

    public static Alert From(IncidentOpened e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.EventId, "incident.opened", e.IncidentId, e.DeviceId, e.StoreId, e.Component, e.FaultCode, e.Severity,
            $"[{e.Severity}] {e.FaultCode} on {e.DeviceId} (store {e.StoreId}): incident opened", e.OccurredAt, e.RecordedAt)
        {
            Region = e.Region,
            Tags = e.Tags,
            HeldBackBy = e.HeldBackBy,
        };
    }

    public static Alert From(IncidentEscalated e, IncidentMemo? memo)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Later(memo, e.EventId, "incident.escalated", e.IncidentId, e.DeviceId, e.StoreId, e.FaultCode,
            $"ESCALATED (level {e.Level.ToString(CultureInfo.InvariantCulture)}, {e.Kind}) {e.FaultCode} on {e.DeviceId} (store {e.StoreId}): {e.Reason}", e.Reason, e.OccurredAt, e.RecordedAt) with
        { Level = e.Level };
    }

    public static Alert From(IncidentResolved e, IncidentMemo? memo)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Later(memo, e.EventId, "incident.resolved", e.IncidentId, e.DeviceId, e.StoreId, e.FaultCode,
            $"{e.FaultCode} on {e.DeviceId} (store {e.StoreId}) resolved: {e.Reason}", e.Reason, e.OccurredAt, e.RecordedAt);
    }

    public static Alert From(IncidentAcknowledged e, IncidentMemo? memo)
    {
        ArgumentNullException.ThrowIfNull(e);
        var fault = memo?.FaultCode ?? "incident";
        return Later(memo, e.EventId, "incident.acknowledged", e.IncidentId, e.DeviceId, e.StoreId, fault,
            $"{fault} on {e.DeviceId} (store {e.StoreId}) acknowledged by {e.By}", e.By, e.OccurredAt, e.RecordedAt);
    }

    public static Alert From(IncidentMitigated e, IncidentMemo? memo)
    {
        ArgumentNullException.ThrowIfNull(e);
        var fault = memo?.FaultCode ?? "incident";
        return Later(memo, e.EventId, "incident.mitigated", e.IncidentId, e.DeviceId, e.StoreId, fault,
            $"{fault} on {e.DeviceId} (store {e.StoreId}) mitigated by {e.By}: {e.Workaround}", e.Workaround, e.OccurredAt, e.RecordedAt);
    }

    public static Alert From(IncidentReopened e, IncidentMemo? memo)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Later(memo, e.EventId, "incident.reopened", e.IncidentId, e.DeviceId, e.StoreId, e.FaultCode,
            $"{e.FaultCode} on {e.DeviceId} (store {e.StoreId}) reopened (flap {e.FlapCount.ToString(CultureInfo.InvariantCulture)}): {e.Reason}", e.Reason, e.OccurredAt, e.RecordedAt);
    }

    public static Alert From(IncidentVerified e, IncidentMemo? memo)
    {
        ArgumentNullException.ThrowIfNull(e);
        var fault = memo?.FaultCode ?? "incident";
        return Later(memo, e.EventId, "incident.verified", e.IncidentId, e.DeviceId, e.StoreId, fault,
            $"{fault} on {e.DeviceId} (store {e.StoreId}) verified: the terminal is healthy again", null, e.OccurredAt, e.RecordedAt);
    }

    public static Alert From(IncidentClosed e, IncidentMemo? memo)
    {
        ArgumentNullException.ThrowIfNull(e);
        var fault = memo?.FaultCode ?? "incident";
        return Later(memo, e.EventId, "incident.closed", e.IncidentId, e.DeviceId, e.StoreId, fault,
            $"{fault} on {e.DeviceId} (store {e.StoreId}) closed by {e.By}", e.By, e.OccurredAt, e.RecordedAt);
    }

    public static Alert From(StoreOutageDetected e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.EventId, "store.outage.detected", e.IncidentId, e.StoreId, e.StoreId, "store", "STORE_OUTAGE", Contracts.Incidents.Severity.Blocking,
            $"[Blocking] store {e.StoreId}: {e.DeviceIds.Count.ToString(CultureInfo.InvariantCulture)} of {e.StoreTerminals.ToString(CultureInfo.InvariantCulture)} terminals {(e.Cause == "network" ? "lost network" : "went silent")} (router or ISP?)",
            e.OccurredAt, e.RecordedAt)
        {
            Region = e.Region,
            Tags = e.Tags,
            Detail = e.Cause,
            DeviceIds = e.DeviceIds,
        };
    }

    public static Alert From(StoreOutageResolved e, IncidentMemo? memo)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Later(memo ?? new IncidentMemo(e.IncidentId, e.StoreId, e.StoreId, "store", "STORE_OUTAGE", Contracts.Incidents.Severity.Blocking, null, [], null),
            e.EventId, "store.outage.resolved", e.IncidentId, e.StoreId, e.StoreId, "STORE_OUTAGE",
            $"store {e.StoreId}: terminals are back ({e.Reason})", e.Reason, e.OccurredAt, e.RecordedAt);
    }

    public static Alert From(PlatformOutageDetected e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.EventId, "platform.outage.detected", e.IncidentId, "*", "*", "platform", "PLATFORM_OUTAGE", Contracts.Incidents.Severity.Blocking,
            e.Cause.StartsWith("event-parked", StringComparison.Ordinal)
                ? $"[Blocking] PosOps platform: an integration event cannot be published and was parked ({e.Cause})"
                : $"[Blocking] PosOps platform: {e.SilentDevices.ToString(CultureInfo.InvariantCulture)} of {e.FleetSize.ToString(CultureInfo.InvariantCulture)} terminals silent ({e.Cause}): ingestion problem, not the stores",
            e.OccurredAt, e.RecordedAt)
        { Detail = e.Cause };
    }

    public static Alert From(PlatformOutageResolved e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.EventId, "platform.outage.resolved", e.IncidentId, "*", "*", "platform", "PLATFORM_OUTAGE", Contracts.Incidents.Severity.Blocking,
            $"PosOps platform: heartbeats flow again ({e.Reason})", e.OccurredAt, e.RecordedAt)
        { Detail = e.Reason };
    }

    // Later transitions carry less than the opening: route them on what the opening said.
    private static Alert Later(IncidentMemo? memo, Guid eventId, string kind, Guid incidentId, string deviceId, string storeId, string faultCode, string text, string? detail, DateTimeOffset occurredAt, DateTimeOffset recordedAt) =>
        new(eventId, kind, incidentId, deviceId, storeId, memo?.Component, faultCode, memo?.Severity, text, occurredAt, recordedAt)
        {
            Region = memo?.Region,
            Tags = memo?.Tags,
            HeldBackBy = memo?.HeldBackBy,
            Detail = detail,
        };
}

/// <summary>What NotificationService remembers of an incident's opening, for routing its later transitions.</summary>
public sealed record IncidentMemo(
    Guid IncidentId, string DeviceId, string StoreId, string? Component, string FaultCode, Severity? Severity, string? Region, IReadOnlyList<string> Tags, Guid? HeldBackBy);
