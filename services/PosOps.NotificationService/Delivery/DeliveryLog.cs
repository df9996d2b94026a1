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
/// Statuses: pending, sending (claimed with a lease), delivered, dead, held (held back by a store or
/// platform incident), storm (waiting for the digest), digested.
/// </summary>
public sealed class DeliveryLog(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// How alerts are stored in the log: the wire options, but nulls written out, so a digest without a
    /// single component reads back (the wire omits nulls, and an omitted constructor value is refused).
    /// </summary>
    public static readonly JsonSerializerOptions Json = new(WireJson.Options) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never };

    public const string Schema = "posops_notifications";

    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Replicas starting together would race on the catalog; one at a time.
        await using var command = new NpgsqlCommand($"""
            select pg_advisory_xact_lock(hashtext('{Schema}.schema'));
            create schema if not exists {Schema};
            create table if not exists {Schema}.deliveries (
                alert_key text primary key,
                event_id uuid not null,
                incident_id uuid not null,
                kind text not null,
                channel text not null,
                status text not null,
                attempts int not null default 0,
                last_status_code int,
                last_latency_ms int,
                last_error text,
                created_at timestamptz not null default now(),
                updated_at timestamptz not null default now(),
                delivered_at timestamptz
            );
            alter table {Schema}.deliveries
                add column if not exists receiver text,
                add column if not exists route text,
                add column if not exists alert jsonb,
                add column if not exists next_attempt_at timestamptz,
                add column if not exists lease_until timestamptz,
                add column if not exists hold_reason text,
                add column if not exists digest_id uuid,
                add column if not exists recorded_at timestamptz,
                add column if not exists event_sequence bigint;
            create index if not exists deliveries_due on {Schema}.deliveries (next_attempt_at) where status = 'pending';
            create index if not exists deliveries_leased on {Schema}.deliveries (lease_until) where status = 'sending';
            create index if not exists deliveries_route on {Schema}.deliveries (route, receiver, created_at);
            create index if not exists deliveries_in_flight on {Schema}.deliveries (incident_id, receiver, created_at) where status in ('pending', 'sending');
            create index if not exists deliveries_storm on {Schema}.deliveries (route) where status = 'storm';
            create table if not exists {Schema}.attempts (
                id bigserial primary key,
                alert_key text not null,
                receiver text not null,
                channel text not null,
                outcome text not null,
                status_code int,
                latency_ms int not null,
                error text,
                at timestamptz not null default now()
            );
            create index if not exists attempts_alert on {Schema}.attempts (alert_key);
            create table if not exists {Schema}.dead_letters (
                alert_key text primary key,
                receiver text not null,
                channel text not null,
                reason text not null,
                alert jsonb not null,
                at timestamptz not null default now()
            );
            create table if not exists {Schema}.incidents (
                incident_id uuid primary key,
                device_id text not null,
                store_id text not null,
                component text,
                fault_code text not null,
                severity text,
                region text,
                tags text[] not null default array[]::text[],
                held_back_by uuid,
                remembered_at timestamptz not null default now()
            );
            """, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

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
            foreach (var value in new object?[] { m.IncidentId, m.DeviceId, m.StoreId, m.Component, m.FaultCode, m.Severity?.ToString(), m.Region, m.Tags.ToArray(), m.HeldBackBy })
            {
                memo.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            }

            await memo.ExecuteNonQueryAsync(cancellationToken);
        }

        var pending = 0;
        foreach (var decision in decisions)
        {
            var status = "pending";
            string? reason = null;
            if (alert.HeldBackBy is { } holder)
            {
                (status, reason) = ("held", $"held back by incident {holder}");
            }
            else if (alert.Kind != Alert.DigestKind && await CountRecentAsync(connection, transaction, decision, alert.EventId, cancellationToken) >= decision.StormThreshold)
            {
                (status, reason) = ("storm", $"more than {decision.StormThreshold} alerts on route {decision.Route} within {decision.StormWindow.TotalSeconds} s");
            }

            foreach (var receiver in decision.Receivers)
            {
                await using var insert = new NpgsqlCommand($"""
                    insert into {Schema}.deliveries (alert_key, event_id, incident_id, kind, channel, status, receiver, route, alert, next_attempt_at, hold_reason, recorded_at, event_sequence)
                    values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, now(), $10, $11, $12) on conflict (alert_key) do nothing
                    """, connection, transaction);
                foreach (var value in new object?[] { alert.Key(receiver.Name), alert.EventId, alert.IncidentId, alert.Kind, receiver.Type, status, receiver.Name, decision.Route, json, reason, alert.RecordedAt, sequence })
                {
                    insert.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
                }

                if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1 && status == "pending")
                {
                    pending++;
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return pending;
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> deliveries that are due, or whose claim by a crashed
    /// instance has lapsed. SKIP LOCKED: instances never take the same row.
    /// </summary>
    public async Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(int limit, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            update {Schema}.deliveries d set status = 'sending', lease_until = now() + $2, updated_at = now()
            from (
                -- One incident's alerts reach a receiver in the order IncidentService stored them (event
                -- sequence; without one, recorded-at): a later one waits while an earlier one for the same
                -- incident and receiver is pending or being sent (e.g. waiting to be retried). They arrive in
                -- commit order (one partition per incident), so nothing has to wait for one still on its way.
                select x.alert_key from {Schema}.deliveries x
                where ((x.status = 'pending' and x.next_attempt_at <= now()) or (x.status = 'sending' and x.lease_until < now()))
                  and not exists (
                      select 1 from {Schema}.deliveries o
                      where o.incident_id = x.incident_id and o.receiver = x.receiver
                        and case when o.event_sequence is not null and x.event_sequence is not null then o.event_sequence < x.event_sequence
                                 else (coalesce(o.recorded_at, o.created_at), o.created_at) < (coalesce(x.recorded_at, x.created_at), x.created_at) end
                        and o.status in ('pending', 'sending') and o.incident_id <> '00000000-0000-0000-0000-000000000000')
                order by x.created_at
                limit $1 for update skip locked
            ) due
            where d.alert_key = due.alert_key
            returning d.alert_key, d.receiver, d.alert::text, d.attempts, d.created_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        command.Parameters.Add(new NpgsqlParameter { Value = lease });
        var due = new List<DueDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add(new DueDelivery(reader.GetString(0), reader.GetString(1), JsonSerializer.Deserialize<Alert>(reader.GetString(2), Json)!,
                reader.GetInt32(3), await reader.GetFieldValueAsync<DateTimeOffset>(4, cancellationToken)));
        }

        return due;
    }

    /// <summary>One row per try, whatever happened.</summary>
    public async Task RecordAttemptAsync(DueDelivery delivery, string channel, DeliveryAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(attempt);
        await using var command = dataSource.CreateCommand($"""
            insert into {Schema}.attempts (alert_key, receiver, channel, outcome, status_code, latency_ms, error) values ($1, $2, $3, $4, $5, $6, $7)
            """);
        foreach (var value in new object?[] { delivery.AlertKey, delivery.Receiver, channel, attempt.Outcome.ToString().ToLowerInvariant(), attempt.StatusCode, (int)attempt.Latency.TotalMilliseconds, attempt.Error })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Closes a round: delivered, back to pending after <paramref name="retryAfter"/>, or dead with the reason.</summary>
    public async Task FinishAsync(DueDelivery delivery, string channel, DeliveryAttempt last, int tries, TimeSpan? retryAfter, string? deadReason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(last);
        var status = last.Delivered ? "delivered" : deadReason is not null ? "dead" : "pending";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var update = new NpgsqlCommand($"""
            update {Schema}.deliveries set
                status = $2, attempts = attempts + $3, last_status_code = $4, last_latency_ms = $5, last_error = $6, updated_at = now(), lease_until = null,
                next_attempt_at = case when $2 = 'pending' then now() + $7 else next_attempt_at end,
                delivered_at = case when $2 = 'delivered' then now() else delivered_at end
            where alert_key = $1 and status = 'sending'
            """, connection, transaction);
        foreach (var value in new object?[] { delivery.AlertKey, status, tries, last.StatusCode, (int)last.Latency.TotalMilliseconds, last.Error, retryAfter ?? TimeSpan.Zero })
        {
            update.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        await update.ExecuteNonQueryAsync(cancellationToken);
        if (deadReason is not null)
        {
            await using var dead = new NpgsqlCommand($"""
                insert into {Schema}.dead_letters (alert_key, receiver, channel, reason, alert) values ($1, $2, $3, $4, $5::jsonb) on conflict (alert_key) do nothing
                """, connection, transaction);
            foreach (var value in new object[] { delivery.AlertKey, delivery.Receiver, channel, deadReason, JsonSerializer.Serialize(delivery.Alert, Json) })
            {
                dead.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            await dead.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A round cut short by shutdown: due again at once, for this or another instance.</summary>
    public async Task ReleaseAsync(DueDelivery delivery, int tries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        await using var command = dataSource.CreateCommand($"""
            update {Schema}.deliveries set status = 'pending', attempts = attempts + $2, next_attempt_at = now(), lease_until = null, updated_at = now()
            where alert_key = $1 and status = 'sending'
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = delivery.AlertKey });
        command.Parameters.Add(new NpgsqlParameter { Value = tries });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Routes with alerts held for a digest, with the oldest one's time and the database's now.</summary>
    public async Task<IReadOnlyList<RipeStorm>> StormsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select route, min(created_at), now() from {Schema}.deliveries where status = 'storm' group by route");
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
            where route = $1 and status = 'storm' order by created_at for update skip locked
            """, connection, transaction);
        held.Parameters.Add(new NpgsqlParameter { Value = route });
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
                values ($1, $2, $3, $4, $5, 'pending', $6, $7, $8::jsonb, now()) on conflict (alert_key) do nothing
                """, connection, transaction);
            foreach (var value in new object[] { digest.Key(group.Key.Receiver), digest.EventId, digest.IncidentId, digest.Kind, channel, group.Key.Receiver, route, JsonSerializer.Serialize(digest, Json) })
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            await insert.ExecuteNonQueryAsync(cancellationToken);
            await using var mark = new NpgsqlCommand($"update {Schema}.deliveries set status = 'digested', digest_id = $2, updated_at = now() where alert_key = any($1)", connection, transaction);
            mark.Parameters.Add(new NpgsqlParameter { Value = group.Select(r => r.Key).ToArray() });
            mark.Parameters.Add(new NpgsqlParameter { Value = digest.EventId });
            await mark.ExecuteNonQueryAsync(cancellationToken);
            digests++;
        }

        await transaction.CommitAsync(cancellationToken);
        return digests;
    }

    /// <summary>Alerts in flight at once across instances that an unlocked count may miss.</summary>
    private const int UnlockedMargin = 64;

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
            gate.Parameters.Add(new NpgsqlParameter { Value = $"{Schema}.storm:{decision.Route}" });
            await gate.ExecuteScalarAsync(cancellationToken);
        }

        return await CountAsync(connection, transaction, decision, eventId, cancellationToken);
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RouteDecision decision, Guid eventId, CancellationToken cancellationToken)
    {
        // One row per event for the route's first receiver; stop counting at the threshold.
        await using var command = new NpgsqlCommand($"""
            select count(*) from (
                select 1 from {Schema}.deliveries
                where route = $1 and receiver = $2 and created_at > now() - $3 and kind <> '{Alert.DigestKind}' and status <> 'held' and event_id <> $4
                limit $5) recent
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = decision.Route });
        command.Parameters.Add(new NpgsqlParameter { Value = decision.Receivers.Count > 0 ? decision.Receivers[0].Name : "" });
        command.Parameters.Add(new NpgsqlParameter { Value = decision.StormWindow });
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });
        command.Parameters.Add(new NpgsqlParameter { Value = decision.StormThreshold });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
