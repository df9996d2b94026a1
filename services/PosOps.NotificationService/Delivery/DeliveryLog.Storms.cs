using System.Text.Json;
using Npgsql;
using PosOps.NotificationService.Kernel;
using PosOps.NotificationService.Routing;

namespace PosOps.NotificationService.Delivery;

/// <summary>Storms: counting a route's recent alerts, and turning the held ones into digests.</summary>
public sealed partial class DeliveryLog
{
    /// <summary>Alerts in flight at once across instances that an unlocked count may miss.</summary>
    private const int UnlockedMargin = 64;

    /// <summary>Routes with alerts held for a digest, with the oldest one's time and the database's now.</summary>
    public async Task<IReadOnlyList<RipeStorm>> StormsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select route, min(created_at), now() from {Schema}.deliveries where status = {DeliveryStatus.Storm.Sql()} group by route");
        var storms = new List<RipeStorm>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            storms.Add(new RipeStorm(reader.GetString(0), await reader.GetFieldValueAsync<DateTimeOffset>(1, cancellationToken), await reader.GetFieldValueAsync<DateTimeOffset>(2, cancellationToken)));
        }

        return storms;
    }

    /// <summary>
    /// Turns a route's held alerts into one digest per receiver, in one transaction: the held rows
    /// become "digested" (kept, pointing at the digest) and the digest becomes a pending delivery.
    /// </summary>
    /// <returns>The digests written (one per receiver that had held alerts).</returns>
    public async Task<int> DigestAsync(string route, IReadOnlyDictionary<string, Receiver> receivers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receivers);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var held = new NpgsqlCommand($"""
            select alert_key, receiver, channel, alert::text, created_at, now() from {Schema}.deliveries
            where route = $1 and status = {DeliveryStatus.Storm.Sql()} order by created_at for update skip locked
            """, connection, transaction);
        With(held, route);
        var rows = new List<(string Key, string Receiver, string Channel, Alert Alert, DateTimeOffset Created, DateTimeOffset Now)>();
        await using (var reader = await held.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), JsonSerializer.Deserialize<Alert>(reader.GetString(3), Json)!,
                    await reader.GetFieldValueAsync<DateTimeOffset>(4, cancellationToken), await reader.GetFieldValueAsync<DateTimeOffset>(5, cancellationToken)));
            }
        }

        var digests = 0;
        foreach (var group in rows.GroupBy(r => (r.Receiver, r.Channel)))
        {
            var first = group.First();
            var digest = StormDigest.Summarize(route, $"{route}:{group.Key.Receiver}:{first.Key}", [.. group.Select(r => r.Alert)], first.Now);
            var channel = receivers.TryGetValue(group.Key.Receiver, out var receiver) ? receiver.Type : group.Key.Channel;
            await using var insert = new NpgsqlCommand($"""
                insert into {Schema}.deliveries (alert_key, event_id, incident_id, kind, channel, status, receiver, route, alert, next_attempt_at)
                values ($1, $2, $3, $4, $5, {DeliveryStatus.Pending.Sql()}, $6, $7, $8::jsonb, now()) on conflict (alert_key) do nothing
                """, connection, transaction);
            await With(insert, digest.Key(group.Key.Receiver), digest.EventId, digest.IncidentId, digest.Kind, channel, group.Key.Receiver, route, JsonSerializer.Serialize(digest, Json))
                .ExecuteNonQueryAsync(cancellationToken);
            await using var mark = new NpgsqlCommand($"update {Schema}.deliveries set status = {DeliveryStatus.Digested.Sql()}, digest_id = $2, updated_at = now() where alert_key = any($1)", connection, transaction);
            await With(mark, group.Select(r => r.Key).ToArray(), digest.EventId).ExecuteNonQueryAsync(cancellationToken);
            digests++;
        }

        await transaction.CommitAsync(cancellationToken);
        return digests;
    }

    private static async Task<long> CountRecentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RouteDecision decision, Guid eventId, CancellationToken cancellationToken)
    {
        // Far from the threshold (either side) a plain count decides. Near it, the count-then-insert is
        // serialised per route across instances so the storm starts exactly at the threshold; holding
        // that lock until commit for every alert would cap a route at one commit at a time.
        var unlocked = await CountAsync(connection, transaction, decision, eventId, cancellationToken);
        if (unlocked >= decision.StormThreshold || unlocked + UnlockedMargin < decision.StormThreshold)
        {
            return unlocked;
        }

        await using (var gate = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext($1))", connection, transaction))
        {
            await With(gate, $"{Schema}.storm:{decision.Route}").ExecuteScalarAsync(cancellationToken);
        }

        return await CountAsync(connection, transaction, decision, eventId, cancellationToken);
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RouteDecision decision, Guid eventId, CancellationToken cancellationToken)
    {
        // One row per event for the route's first receiver; stop counting at the threshold.
        await using var command = new NpgsqlCommand($"""
            select count(*) from (
                select 1 from {Schema}.deliveries
                where route = $1 and receiver = $2 and created_at > now() - $3 and kind <> '{Alert.DigestKind}' and status <> {DeliveryStatus.Held.Sql()} and event_id <> $4
                limit $5) recent
            """, connection, transaction);
        With(command, decision.Route, decision.Receivers.Count > 0 ? decision.Receivers[0].Name : "", decision.StormWindow, eventId, decision.StormThreshold);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
