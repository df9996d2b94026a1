using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Marten;
using Npgsql;
using NpgsqlTypes;
using PosOps.Contracts;

namespace PosOps.IncidentService.Audit;

/// <summary>
/// One stored event as auditors see it: both clocks (device occurred-at, server recorded-at),
/// who acted and the correlation id. <see cref="DeviceId"/> is only set in store-wide exports.
/// </summary>
public sealed record HistoryEvent(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeviceId,
    long Version,
    long Sequence,
    Guid Id,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? OccurredAt,
    DateTimeOffset RecordedAt,
    string Actor,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? CorrelationId,
    JsonElement Data);

/// <summary>Which events: streams, versions after a mark, types, a recorded-at range [from, to), at most a limit.</summary>
public sealed record HistoryFilter(IReadOnlyList<string> Streams, long AfterVersion = 0, IReadOnlyList<string>? Types = null, DateTimeOffset? From = null, DateTimeOffset? To = null, int? Limit = null)
{
    /// <summary>Event types as stored (snake_case aliases); "IncidentOpened" and "incident_opened" both work.</summary>
    public static IReadOnlyList<string>? ParseTypes(string? types) =>
        types is null ? null : [.. types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ToAlias)];

    private static string ToAlias(string type)
    {
        var alias = new StringBuilder();
        foreach (var c in type.Replace('-', '_'))
        {
            if (char.IsUpper(c) && alias.Length > 0 && alias[^1] != '_')
            {
                alias.Append('_');
            }

            alias.Append(char.ToLowerInvariant(c));
        }

        return alias.ToString();
    }
}

/// <summary>Reads stored events in order, one row at a time (exports never hold a stream in memory).</summary>
public sealed class EventHistory(NpgsqlDataSource dataSource, IDocumentStore store)
{
    private const string Where = $"""
         from {EventStoreSchema.Name}.mt_events e
         where e.stream_id = any($1) and e.version > $2
           and ($3::text[] is null or e.type = any($3))
           and ($4::timestamptz is null or e.timestamp >= $4)
           and ($5::timestamptz is null or e.timestamp < $5)
        """;

    public async Task<long> CountAsync(HistoryFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var command = Command("select count(*)" + Where, filter);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async IAsyncEnumerable<HistoryEvent> ReadAsync(HistoryFilter filter, bool withDeviceId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var serializer = store.Options.Serializer();
        await using var command = Command(
            "select e.stream_id, e.version, e.seq_id, e.id, e.type, e.timestamp, e.correlation_id, e.mt_dotnet_type, e.data" + Where
            + " order by e.seq_id" + (filter.Limit is { } limit ? $" limit {limit}" : ""), filter);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var streamId = reader.GetString(0);
            var version = reader.GetInt64(1);
            var sequence = reader.GetInt64(2);
            var id = reader.GetGuid(3);
            var type = reader.GetString(4);
            var recordedAt = new DateTimeOffset(reader.GetDateTime(5), TimeSpan.Zero);
            var correlationId = await reader.IsDBNullAsync(6, cancellationToken) ? null : reader.GetString(6);
            var dotnetType = await reader.IsDBNullAsync(7, cancellationToken) ? null : reader.GetString(7);
            var data = ToWireShape(serializer, dotnetType, reader);
            yield return new HistoryEvent(withDeviceId ? streamId : null, version, sequence, id, type, OccurredAt(data), recordedAt, Actor(data), correlationId, data);
        }
    }

    /// <summary>The stored event in the API's JSON shape (camelCase, enums as strings), whatever Marten's storage casing.</summary>
    private static JsonElement ToWireShape(ISerializer serializer, string? dotnetType, DbDataReader reader)
    {
        if (dotnetType is not null && Type.GetType(dotnetType) is { } type)
        {
            return JsonSerializer.SerializeToElement(serializer.FromJson(type, reader, 8), type, WireJson.Options);
        }

        using var document = JsonDocument.Parse(reader.GetString(8));
        return document.RootElement.Clone();
    }

    private static DateTimeOffset? OccurredAt(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty("occurredAt", out var at) && at.TryGetDateTimeOffset(out var value) ? value : null;

    /// <summary>Who acted: the person named on the event, else the device for agent-reported facts, else the system (timers, liveness).</summary>
    private static string Actor(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return "system";
        }

        foreach (var name in (string[])["by", "issuedBy"])
        {
            if (data.TryGetProperty(name, out var by) && by.ValueKind == JsonValueKind.String)
            {
                return by.GetString()!;
            }
        }

        return data.TryGetProperty("messageId", out _) ? "device" : "system";
    }

    private NpgsqlCommand Command(string sql, HistoryFilter filter)
    {
        var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = filter.Streams.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        command.Parameters.Add(new NpgsqlParameter { Value = filter.AfterVersion });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.Types?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.From ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.To ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return command;
    }
}
