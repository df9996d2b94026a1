using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Liveness;

/// <summary>
/// Finds devices that stopped sending heartbeats (3 × interval + 2 s by default) and opens
/// DEVICE_SILENT for each. Each silent device is claimed by one instance (FOR UPDATE SKIP LOCKED).
/// Our outage is not their outage (design principle 8): while no heartbeat at all arrives for two
/// intervals the silence is ours (broker, network, us), so no device is declared silent, and after
/// ingestion resumes every device gets a full threshold to be heard from again. The same holds when a
/// large share of the fleet (30 %, at least 20 by default) is overdue at once: one platform incident
/// (its own stream) instead of a device incident each.
/// </summary>
public sealed partial class SilenceWatcher(
    NpgsqlDataSource dataSource,
    IDocumentStore store,
    DeviceWriter writer,
    IOptions<LivenessOptions> options,
    IOptions<CorrelationOptions> correlation,
    TimeProvider clock,
    DependencyGuard guard,
    DependencyHealth health,
    ILogger<SilenceWatcher> logger) : BackgroundService
{
    private DateTimeOffset? ingestionSilentSince;
    private DateTimeOffset quietUntil = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.CheckEverySeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await guard.RunAsync("silence-watcher", RoundAsync, stoppingToken);
        }
    }

    private async Task RoundAsync(CancellationToken stoppingToken)
    {
        // While this service cannot store what it hears (its database is away), heartbeats wait in the broker:
        // old last-seen times are our outage, not the devices'. Judge again one threshold after it is back.
        if (health.Outages.Any(o => o.Dependency == DependencyFailure.Postgres))
        {
            ingestionSilentSince = null;
            quietUntil = clock.GetUtcNow() + options.Value.SilentAfter;
            return;
        }

        var pulse = await PulseAsync(stoppingToken);
        var alive = IngestionAlive(pulse);
        var platformCause = PlatformCause(pulse, alive);
        await KeepPlatformIncidentAsync(platformCause, stoppingToken);
        if (!alive || platformCause is not null)
        {
            return;
        }

        foreach (var (deviceId, storeId, lastSeen) in await ClaimAsync(stoppingToken))
        {
            try
            {
                await OpenSilenceAsync(deviceId, storeId, lastSeen, stoppingToken);
            }
            catch (Exception e)
            {
                // Give the claim back so a later round (or another instance) tries again; a dependency
                // failure ends the round (the guard waits it out), one device's bad decision does not.
                await ReleaseAsync(deviceId, CancellationToken.None);
                if (e is OperationCanceledException || DependencyFailure.IsTransient(e))
                {
                    throw;
                }

                LogFailed(e.Message, e);
            }
        }
    }

    /// <summary>The fleet at a glance: how long since anything was heard, how many devices, how many overdue.</summary>
    private sealed record FleetPulse(TimeSpan? QuietFor, int Fleet, int Overdue);

    private async Task<FleetPulse> PulseAsync(CancellationToken cancellationToken)
    {
        // Quiet for two intervals already counts as overdue: the platform decision must come before any of
        // them reaches the silence threshold, or the first few would be declared silent one by one.
        await using var command = dataSource.CreateCommand(
            $"select now() - max(last_seen_at), count(*), count(*) filter (where last_seen_at < now() - $1) from {EventStoreSchema.Name}.{LivenessSchema.TableName}");
        command.Parameters.Add(new NpgsqlParameter { Value = TimeSpan.FromSeconds(2 * options.Value.HeartbeatIntervalSeconds) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var quietFor = await reader.IsDBNullAsync(0, cancellationToken) ? (TimeSpan?)null : await reader.GetFieldValueAsync<TimeSpan>(0, cancellationToken);
        return new FleetPulse(quietFor, (int)reader.GetInt64(1), (int)reader.GetInt64(2));
    }

    /// <summary>False while the whole fleet is quiet (dead man's switch) and for one threshold after it speaks again.</summary>
    private bool IngestionAlive(FleetPulse pulse)
    {
        var now = clock.GetUtcNow();
        var settings = options.Value;
        if (pulse.QuietFor is { } quiet && quiet > TimeSpan.FromSeconds(2 * settings.HeartbeatIntervalSeconds))
        {
            if (ingestionSilentSince is null)
            {
                ingestionSilentSince = now - quiet;
                LogIngestionSilent(quiet.TotalSeconds);
            }

            return false;
        }

        if (ingestionSilentSince is not null)
        {
            LogIngestionResumed((now - ingestionSilentSince.Value).TotalSeconds);
            ingestionSilentSince = null;
            quietUntil = now + settings.SilentAfter;
        }

        return now >= quietUntil;
    }

    /// <summary>Why this is our outage, or null: nothing heard at all, or too much of the fleet overdue at once.</summary>
    private (string Cause, int Silent, int Fleet)? PlatformCause(FleetPulse pulse, bool alive)
    {
        var (_, fleet, overdue) = pulse;
        if (fleet == 0)
        {
            return null;
        }

        if (ingestionSilentSince is not null && !alive)
        {
            return ("no-heartbeats", overdue, fleet);
        }

        var settings = correlation.Value;
        return overdue >= Math.Max(settings.PlatformMinDevices, (int)Math.Ceiling(settings.PlatformShare * fleet)) ? ("fleet-silent", overdue, fleet) : null;
    }

    // Opens the platform incident while the cause lasts and resolves it when heartbeats flow again.
    private async Task KeepPlatformIncidentAsync((string Cause, int Silent, int Fleet)? cause, CancellationToken cancellationToken)
    {
        bool open;
        await using (var session = store.QuerySession())
        {
            open = await session.Query<IncidentView>().AnyAsync(
                v => v.FaultCode == FaultCatalogue.PlatformOutage && v.Status.IsOneOf(IncidentStatuses.Unresolved),
                cancellationToken);
        }

        if (cause is { } c && !open)
        {
            var opened = await writer.DecideAsync(StreamIds.Platform,
                (_, now) => new DetectPlatformOutage(StreamIds.Platform, c.Cause, c.Silent, c.Fleet, Guid.CreateVersion7(now), now), cancellationToken);
            if (opened.Length > 0)
            {
                LogPlatformOutage(c.Cause, c.Silent, c.Fleet);
            }
        }
        else if (cause is null && open)
        {
            await writer.DecideAsync(StreamIds.Platform, (_, now) => new EndPlatformOutage(StreamIds.Platform, "heartbeats flow again", now), cancellationToken);
            quietUntil = clock.GetUtcNow() + options.Value.SilentAfter;
            LogPlatformBack();
        }
    }

    private async Task<List<(string DeviceId, string StoreId, DateTimeOffset LastSeen)>> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(LivenessSchema.ClaimSilentSql);
        command.Parameters.Add(new NpgsqlParameter { Value = options.Value.SilentAfter });
        command.Parameters.Add(new NpgsqlParameter { Value = 500 });
        var claimed = new List<(string, string, DateTimeOffset)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add((reader.GetString(0), reader.GetString(1), new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero)));
        }

        return claimed;
    }

    private async Task OpenSilenceAsync(string deviceId, string storeId, DateTimeOffset lastSeen, CancellationToken cancellationToken)
    {
        await writer.DecideAsync(deviceId, (_, now) => new RecordSilence(deviceId, storeId, lastSeen, Guid.CreateVersion7(now), now), cancellationToken);
        LogSilent(deviceId, (clock.GetUtcNow() - lastSeen).TotalSeconds);

        // A heartbeat may have landed between the claim and this commit, and found no incident to end yet.
        await using var check = dataSource.CreateCommand($"select silent_since, last_seen_at from {EventStoreSchema.Name}.{LivenessSchema.TableName} where device_id = $1");
        check.Parameters.Add(new NpgsqlParameter { Value = deviceId });
        await using var reader = await check.ExecuteReaderAsync(cancellationToken);
        if (await reader.ReadAsync(cancellationToken) && (await reader.IsDBNullAsync(0, cancellationToken) || reader.GetDateTime(1) > lastSeen.UtcDateTime))
        {
            await writer.DecideAsync(deviceId, (_, now) => new RecordDeviceBack(deviceId, storeId, lastSeen, now), cancellationToken);
        }
    }

    private async Task ReleaseAsync(string deviceId, CancellationToken cancellationToken)
    {
        await using var release = dataSource.CreateCommand($"update {EventStoreSchema.Name}.{LivenessSchema.TableName} set silent_since = null where device_id = $1");
        release.Parameters.Add(new NpgsqlParameter { Value = deviceId });
        await release.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{DeviceId} is silent: no heartbeat for {Seconds:0.0} s")]
    private partial void LogSilent(string deviceId, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "No heartbeat from any device for {Seconds:0} s: an ingestion or platform problem, not device silence; no device is declared silent meanwhile")]
    private partial void LogIngestionSilent(double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeats arrive again after a fleet-wide gap of {Seconds:0} s; devices get a full threshold to report")]
    private partial void LogIngestionResumed(double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Platform outage ({Cause}): {Silent} of {Fleet} devices overdue; one platform incident, no device incidents")]
    private partial void LogPlatformOutage(string cause, int silent, int fleet);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Platform outage over: heartbeats flow again; devices get a full threshold to report")]
    private partial void LogPlatformBack();

    [LoggerMessage(Level = LogLevel.Error, Message = "Silence check failed: {Reason}")]
    private partial void LogFailed(string reason, Exception exception);
}
