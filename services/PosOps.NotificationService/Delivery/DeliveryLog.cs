using Npgsql;

namespace PosOps.NotificationService.Delivery;

/// <summary>
/// The delivery log in PostgreSQL. Its primary key (alert key = integration event id + channel)
/// is what makes "one alert per (incident, transition)" hold however often an event is redelivered.
/// </summary>
public sealed class DeliveryLog(NpgsqlDataSource dataSource)
{
    public const string Schema = "posops_notifications";

    /// <summary>How long a claim by one delivery attempt keeps others off the same alert.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(30);

    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
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
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Claims the alert for one attempt. Returns <see cref="ClaimResult.AlreadyDelivered"/> when it was
    /// sent before, <see cref="ClaimResult.InProgress"/> while another attempt holds a fresh claim.
    /// </summary>
    public async Task<ClaimResult> ClaimAsync(Alert alert, string channel, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            insert into {Schema}.deliveries as d (alert_key, event_id, incident_id, kind, channel, status, attempts)
            values ($1, $2, $3, $4, $5, 'sending', 1)
            on conflict (alert_key) do update set status = 'sending', attempts = d.attempts + 1, updated_at = now()
            where d.status <> 'delivered' and (d.status <> 'sending' or d.updated_at < now() - $6::interval)
            returning attempts
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = alert.Key(channel) });
        command.Parameters.Add(new NpgsqlParameter { Value = alert.EventId });
        command.Parameters.Add(new NpgsqlParameter { Value = alert.IncidentId });
        command.Parameters.Add(new NpgsqlParameter { Value = alert.Kind });
        command.Parameters.Add(new NpgsqlParameter { Value = channel });
        command.Parameters.Add(new NpgsqlParameter { Value = ClaimLease });
        if (await command.ExecuteScalarAsync(cancellationToken) is int)
        {
            return ClaimResult.Claimed;
        }

        await using var status = dataSource.CreateCommand($"select status from {Schema}.deliveries where alert_key = $1");
        status.Parameters.Add(new NpgsqlParameter { Value = alert.Key(channel) });
        return await status.ExecuteScalarAsync(cancellationToken) as string == "delivered" ? ClaimResult.AlreadyDelivered : ClaimResult.InProgress;
    }

    public async Task RecordAsync(Alert alert, string channel, DeliveryAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        await using var command = dataSource.CreateCommand($"""
            update {Schema}.deliveries set
                status = $2, last_status_code = $3, last_latency_ms = $4, last_error = $5, updated_at = now(),
                delivered_at = case when $2 = 'delivered' then now() else delivered_at end
            where alert_key = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = alert.Key(channel) });
        command.Parameters.Add(new NpgsqlParameter { Value = attempt.Delivered ? "delivered" : "failed" });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)attempt.StatusCode ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = (int)attempt.Latency.TotalMilliseconds });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)attempt.Error ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

public enum ClaimResult
{
    Claimed,
    AlreadyDelivered,
    InProgress,
}

/// <summary>What one delivery attempt did.</summary>
public sealed record DeliveryAttempt(bool Delivered, int? StatusCode, TimeSpan Latency, string? Error);
