using System.Globalization;
using System.Text.Json;
using PosOps.Cli.Api;
using PosOps.Cli.Output;

namespace PosOps.Cli.Commands;

/// <summary>Reads a device's stored events page by page (GET /api/devices/{id}/events).</summary>
public static class DeviceEvents
{
    private const int PageSize = 1000;

    /// <summary>The contract's export columns, also used for replay as CSV.</summary>
    public static readonly Column[] Columns =
    [
        Column.Of("version", "version"),
        Column.Of("sequence", "sequence"),
        Column.Of("type", "type"),
        Column.Of("occurredAt", "occurredAt", "data.occurredAt"),
        Column.Of("recordedAt", "recordedAt"),
        Column.Of("actor", "actor", "data.by"),
        Column.Of("correlationId", "correlationId"),
        new("data", row => Json.At(row, "data") is { } data ? data.GetRawText() : ""),
    ];

    /// <summary>Short columns for a person reading the history.</summary>
    public static readonly Column[] TableColumns =
    [
        Column.Of("ver", "version"),
        Column.Of("type", "type"),
        new("occurred (device)", row => Json.Time(row, "occurredAt") is { Length: > 0 } t ? t : Json.Time(row, "data.occurredAt")),
        Column.TimeOf("recorded (server)", "recordedAt"),
        Column.Of("actor", "actor", "data.by"),
        new("what", Summary),
    ];

    public static async Task<IReadOnlyList<JsonElement>> ReadAsync(PosOpsApi api, string deviceId, DateTimeOffset? from, DateTimeOffset? to, string? type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        var all = new List<JsonElement>();
        long? after = null;
        while (true)
        {
            var answer = await api.GetJsonAsync(
                PosOpsApi.Path($"/api/devices/{PosOpsApi.Segment(deviceId)}/events",
                    ("type", type), ("from", Iso(from)), ("to", Iso(to)),
                    ("afterVersion", after?.ToString(CultureInfo.InvariantCulture)), ("limit", PageSize.ToString(CultureInfo.InvariantCulture))),
                cancellationToken);
            all.AddRange(Json.Items(answer, "events"));
            if (answer.ValueKind != JsonValueKind.Object || Json.At(answer, "nextAfterVersion") is not { ValueKind: JsonValueKind.Number } next)
            {
                break;
            }

            after = next.GetInt64();
        }

        // A server that does not filter yet is filtered here, on the server clock like the API.
        return [.. all.Where(e => Within(e, from, to) && (type is null || string.Equals(Json.Text(e, "type"), type, StringComparison.OrdinalIgnoreCase)))];
    }

    public static string? Iso(DateTimeOffset? time) => time?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static bool Within(JsonElement e, DateTimeOffset? from, DateTimeOffset? to)
    {
        if (!DateTimeOffset.TryParse(Json.Text(e, "recordedAt"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var recorded))
        {
            return true;
        }

        return (from is null || recorded >= from) && (to is null || recorded <= to);
    }

    private static string Summary(JsonElement e)
    {
        var parts = new[] { "incidentId", "component", "faultCode", "code", "reason", "workaround", "network", "mode", "note" }
            .Select(name => Json.At(e, "data." + name) is { } v && v.ValueKind is JsonValueKind.String or JsonValueKind.Number ? $"{name}={Json.Format(v)}" : null)
            .Where(p => p is not null);
        return string.Join(' ', parts);
    }
}
