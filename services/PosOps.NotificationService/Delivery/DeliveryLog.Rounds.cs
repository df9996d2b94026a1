using System.Text.Json;
using Npgsql;
using PosOps.NotificationService.Channels;

namespace PosOps.NotificationService.Delivery;

/// <summary>Delivery rounds: claim what is due, record each try, close the round.</summary>
public sealed partial class DeliveryLog
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> deliveries that are due, or whose claim by a crashed
    /// instance has lapsed. SKIP LOCKED: instances never take the same row.
    /// </summary>
    /// <remarks>
    /// Its statuses stay literals (the text <see cref="DeliveryLogText"/> maps them to): the partial
    /// indexes deliveries_due and deliveries_leased match literal predicates only.
    /// </remarks>
    public async Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(int limit, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            update {Schema}.deliveries d set status = 'sending', lease_until = now() + $2, updated_at = now()
            from (
                -- One incident's alerts reach a receiver in the order they were taken in, which is the order
                -- IncidentService published them (one partition per incident, taken one at a time): a later
                -- one waits while an earlier one for the same incident and receiver is pending or being sent
                -- (e.g. waiting to be retried). Taken order, not event sequence: a held incident's opening is
                -- published at its release, after transitions stored before it.
                select x.alert_key from {Schema}.deliveries x
                where ((x.status = 'pending' and x.next_attempt_at <= now()) or (x.status = 'sending' and x.lease_until < now()))
                  and not exists (
                      select 1 from {Schema}.deliveries o
                      where o.incident_id = x.incident_id and o.receiver = x.receiver
                        and o.created_at < x.created_at
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
        await With(command, delivery.AlertKey, delivery.Receiver, channel, attempt.Outcome.ToText(), attempt.StatusCode, (int)attempt.Latency.TotalMilliseconds, attempt.Error)
            .ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Closes a round: delivered, back to pending after <paramref name="retryAfter"/>, or dead with the reason.</summary>
    public async Task FinishAsync(DueDelivery delivery, string channel, DeliveryAttempt last, int tries, TimeSpan? retryAfter, string? deadReason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(last);
        var status = last.Delivered ? DeliveryStatus.Delivered : deadReason is not null ? DeliveryStatus.Dead : DeliveryStatus.Pending;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var update = new NpgsqlCommand($"""
            update {Schema}.deliveries set
                status = $2, attempts = attempts + $3, last_status_code = $4, last_latency_ms = $5, last_error = $6, updated_at = now(), lease_until = null,
                next_attempt_at = case when $2 = {DeliveryStatus.Pending.Sql()} then now() + $7 else next_attempt_at end,
                delivered_at = case when $2 = {DeliveryStatus.Delivered.Sql()} then now() else delivered_at end
            where alert_key = $1 and status = {DeliveryStatus.Sending.Sql()}
            """, connection, transaction);
        await With(update, delivery.AlertKey, status.ToText(), tries, last.StatusCode, (int)last.Latency.TotalMilliseconds, last.Error, retryAfter ?? TimeSpan.Zero)
            .ExecuteNonQueryAsync(cancellationToken);
        if (deadReason is not null)
        {
            await using var dead = new NpgsqlCommand($"""
                insert into {Schema}.dead_letters (alert_key, receiver, channel, reason, alert) values ($1, $2, $3, $4, $5::jsonb) on conflict (alert_key) do nothing
                """, connection, transaction);
            await With(dead, delivery.AlertKey, delivery.Receiver, channel, deadReason, JsonSerializer.Serialize(delivery.Alert, Json))
                .ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A round cut short by shutdown: due again at once, for this or another instance.</summary>
    public async Task ReleaseAsync(DueDelivery delivery, int tries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        await using var command = dataSource.CreateCommand($"""
            update {Schema}.deliveries set status = {DeliveryStatus.Pending.Sql()}, attempts = attempts + $2, next_attempt_at = now(), lease_until = null, updated_at = now()
            where alert_key = $1 and status = {DeliveryStatus.Sending.Sql()}
            """);
        await With(command, delivery.AlertKey, tries).ExecuteNonQueryAsync(cancellationToken);
    }
}
