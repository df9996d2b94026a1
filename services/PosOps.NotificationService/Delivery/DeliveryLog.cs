using System.Text.Json;
using Npgsql;
using PosOps.Contracts;
using PosOps.Contracts.Incidents;
using PosOps.NotificationService.Routing;

namespace PosOps.NotificationService.Delivery;

/// <summary>A delivery taken from the log for one round.</summary>
public sealed record DueDelivery(string AlertKey, string Receiver, Alert Alert, int Tries, DateTimeOffset CreatedAt);

/// <summary>Held alerts of one route whose storm window has passed.</summary>
public sealed record RipeStorm(string Route, DateTimeOffset FirstHeld, DateTimeOffset Now);

/// <summary>
/// The delivery log in PostgreSQL, which is also the retry queue. Its primary key (integration event
/// id + receiver) makes "one alert per (incident, transition)" hold however often an event is
/// redelivered; every attempt is a row in <c>attempts</c>; permanent failures land in <c>dead_letters</c>.
/// Rows move through <see cref="DeliveryStatus"/>; the tables are defined in DeliveryLog.sql only.
/// Intake here, delivery rounds in DeliveryLog.Rounds.cs, storms and digests in DeliveryLog.Storms.cs.
/// </summary>
public sealed partial class DeliveryLog(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// How alerts are stored in the log: the wire options, but nulls written out, so a digest without a
    /// single component reads back (the wire omits nulls, and an omitted constructor value is refused).
    /// </summary>
    public static readonly JsonSerializerOptions Json = new(WireJson.Options) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never };

    /// <summary>The PostgreSQL schema, as DeliveryLog.sql names it.</summary>
    public const string Schema = "posops_notifications";

    public Task EnsureSchemaAsync(CancellationToken cancellationToken) => DeliverySchema.ApplyAsync(dataSource, cancellationToken);

    /// <summary>What the incident's opening said (severity, region, tags, held back), or null when not seen yet.</summary>
    public async Task<IncidentMemo?> RecallAsync(Guid incidentId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            select device_id, store_id, component, fault_code, severity, region, tags, held_back_by from {Schema}.incidents where incident_id = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = incidentId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var severity = reader[4] as string;
        return new IncidentMemo(incidentId, reader.GetString(0), reader.GetString(1), reader[2] as string, reader.GetString(3),
            severity is null ? null : Enum.Parse<Severity>(severity), reader[5] as string,
            (string[])reader[6], reader[7] as Guid?);
    }

    /// <summary>
    /// Records the alert for every receiver its routes name, in one transaction: pending (to send),
    /// held (held back by a store or platform incident), or storm (more than the route's threshold
    /// within its window: waits for the digest). A row that exists already is left alone.
    /// </summary>
    /// <returns>How many rows are now pending.</returns>
    public async Task<int> EnqueueAsync(Alert alert, IReadOnlyList<RouteDecision> decisions, bool remember, long? sequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(decisions);
        var json = JsonSerializer.Serialize(alert, Json);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (remember)
        {
            await using var memo = new NpgsqlCommand($"""
                insert into {Schema}.incidents (incident_id, device_id, store_id, component, fault_code, severity, region, tags, held_back_by)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (incident_id) do nothing
                """, connection, transaction);
            var m = alert.Memo();
            await With(memo, m.IncidentId, m.DeviceId, m.StoreId, m.Component, m.FaultCode, m.Severity?.ToString(), m.Region, m.Tags.ToArray(), m.HeldBackBy)
                .ExecuteNonQueryAsync(cancellationToken);
        }

        var pending = 0;
        foreach (var decision in decisions)
        {
            var status = DeliveryStatus.Pending;
            string? reason = null;
            if (alert.HeldBackBy is { } holder)
            {
                (status, reason) = (DeliveryStatus.Held, $"held back by incident {holder}");
            }
            else if (alert.Kind != Alert.DigestKind && await CountRecentAsync(connection, transaction, decision, alert.EventId, cancellationToken) >= decision.StormThreshold)
            {
                (status, reason) = (DeliveryStatus.Storm, $"more than {decision.StormThreshold} alerts on route {decision.Route} within {decision.StormWindow.TotalSeconds} s");
            }

            foreach (var receiver in decision.Receivers)
            {
                await using var insert = new NpgsqlCommand($"""
                    insert into {Schema}.deliveries (alert_key, event_id, incident_id, kind, channel, status, receiver, route, alert, next_attempt_at, hold_reason, recorded_at, event_sequence)
                    values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, now(), $10, $11, $12) on conflict (alert_key) do nothing
                    """, connection, transaction);
                With(insert, alert.Key(receiver.Name), alert.EventId, alert.IncidentId, alert.Kind, receiver.Type, status.ToText(), receiver.Name, decision.Route, json, reason, alert.RecordedAt, sequence);
                if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1 && status == DeliveryStatus.Pending)
                {
                    pending++;
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return pending;
    }

    /// <summary>Adds positional parameters ($1, $2, ...) in order; null becomes SQL null.</summary>
    private static NpgsqlCommand With(NpgsqlCommand command, params object?[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }
}
