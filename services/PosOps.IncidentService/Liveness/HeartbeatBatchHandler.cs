using System.Text.Json;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using PosOps.IncidentService.AgentInbox;
using PosOps.IncidentService.Fleet;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Liveness;

/// <summary>
/// Heartbeats are not events (design principle 1): a batch becomes one upsert of the latest health per
/// device, and a row only moves forward in sequence, so a late or repeated heartbeat changes nothing.
/// The device stream hears of a heartbeat only when it ends a silence, or when two current heartbeats
/// agree on a fault picture that differs from the open incidents, whatever was reconciled before
/// (level-triggered reconciliation, principle 2).
/// </summary>
public sealed class HeartbeatBatchHandler(
    NpgsqlDataSource dataSource, IDocumentStore store, DeviceWriter writer, IOptions<LivenessOptions> liveness, TimeProvider clock) : IAgentBatchHandler
{
    public string Queue => WireNames.HeartbeatQueue;

    public IReadOnlyList<string> AcceptedTypes { get; } = [AgentMessageTypes.Heartbeat];

    public async Task HandleAsync(IReadOnlyList<IAgentMessage> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);

        // One row per device: ON CONFLICT cannot touch the same row twice in one statement.
        var latest = batch.OfType<Heartbeat>()
            .GroupBy(h => h.DeviceId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(h => h.Sequence)!)
            .ToList();
        if (latest.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var reconciled = await ReconcileAsync(latest, now, cancellationToken);

        await using var command = dataSource.CreateCommand(LivenessSchema.UpsertSql);
        command.Parameters.Add(new NpgsqlParameter { Value = latest.Select(h => h.DeviceId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = latest.Select(h => h.StoreId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = latest.Select(h => h.Sequence).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = latest.Select(h => h.OccurredAt.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = latest.Select(h => JsonSerializer.Serialize(h, WireJson.Options)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = latest.Select(h => reconciled[h.DeviceId]).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Compares each heartbeat with the device's previous one. A changed picture is only noted; when
    /// the next current heartbeat shows the same picture, it is reconciled into the stream. The wait of
    /// one interval lets fault edges, which travel on their own queue, arrive first: reconciliation
    /// corrects lost edges, it does not race live ones. Returns each device's "reconciled" mark.
    /// </summary>
    private async Task<Dictionary<string, bool>> ReconcileAsync(List<Heartbeat> latest, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var previous = await PreviousAsync([.. latest.Select(h => h.DeviceId)], cancellationToken);
        var marks = new Dictionary<string, bool>(StringComparer.Ordinal);
        var work = new List<(Heartbeat Beat, DateTimeOffset? SilentSince, bool Reconcile)>();
        var agreeing = new List<(Heartbeat Beat, DateTimeOffset? SilentSince)>();
        var fresh = TimeSpan.FromSeconds(2 * liveness.Value.HeartbeatIntervalSeconds);
        foreach (var beat in latest)
        {
            var faults = Faults(beat);
            if (!previous.TryGetValue(beat.DeviceId, out var before))
            {
                marks[beat.DeviceId] = faults.Count == 0;
                continue;
            }

            if (beat.Sequence <= before.Sequence)
            {
                marks[beat.DeviceId] = before.Reconciled;
                continue;
            }

            var changed = !faults.SetEquals(Faults(before.Health));
            // Two pictures that arrive in one burst (an agent draining its outbox after an outage) do not
            // count as agreeing: its fault edges, on their own queue, may still be on the way.
            var spaced = now - before.LastSeenAt >= TimeSpan.FromSeconds(liveness.Value.HeartbeatIntervalSeconds / 4);
            var agree = HeartbeatAgreement.Agree(changed, spaced, now - beat.OccurredAt <= fresh && now - before.LastSeenAt <= fresh);
            marks[beat.DeviceId] = agree || (!changed && before.Reconciled);
            if (agree && before.Reconciled)
            {
                // Reconciled before, but an edge may have changed the incidents since (a clear that never came).
                agreeing.Add((beat, before.SilentSince));
            }
            else if (agree || before.SilentSince is not null)
            {
                work.Add((beat, before.SilentSince, agree));
            }
        }

        if (agreeing.Count > 0)
        {
            await using var query = store.QuerySession();
            var open = (await query.LoadManyAsync<DeviceStatus>(cancellationToken, [.. agreeing.Select(a => a.Beat.DeviceId)])).ToDictionary(d => d.Id, StringComparer.Ordinal);
            foreach (var (beat, silentSince) in agreeing)
            {
                var differs = HeartbeatAgreement.Differs(Faults(beat).Select(f => f.Code), open.GetValueOrDefault(beat.DeviceId)?.OpenFaults.Select(f => f.FaultCode) ?? []);
                if (differs || silentSince is not null)
                {
                    work.Add((beat, silentSince, differs));
                }
            }
        }

        if (work.Count == 0)
        {
            return marks;
        }

        await writer.WriteAsync([.. work.Select(w => Decide(w.Beat, w.SilentSince, w.Reconcile))], cancellationToken);
        return marks;
    }

    // A silence ended and/or an agreed picture, decided together: the reactions see both at once.
    private static DeviceDecision Decide(Heartbeat beat, DateTimeOffset? silentSince, bool reconcile) => new(beat.DeviceId, (write, before) =>
    {
        var now = write.Now;
        var state = before;
        var events = new List<IDeviceEvent>();
        if (silentSince is { } since)
        {
            events.AddRange(DeviceDecider.Decide(new RecordDeviceBack(beat.DeviceId, beat.StoreId, since, now), state));
            state = events.Aggregate(state, DeviceDecider.Evolve);
        }

        if (reconcile)
        {
            var reported = Faults(beat)
                .Select(f => FaultCatalogue.TryFind(f.Component, f.Code, out var entry, out _) ? new ReportedFault(f.Component, f.Code, entry.Severity, Guid.CreateVersion7(now)) : null)
                .OfType<ReportedFault>()
                .ToList();
            events.AddRange(DeviceDecider.Decide(new ReconcileHealth(beat.MessageId, beat.DeviceId, beat.StoreId, beat.Sequence, reported, beat.OccurredAt, now), state));
        }

        return ValueTask.FromResult(new Decided(events));
    }, Message: beat);

    private static HashSet<(string Component, string Code)> Faults(Heartbeat beat) =>
        [.. beat.Components.Where(c => c.Status != ComponentStatus.Ok && c.Code is not null).Select(c => (c.Component, c.Code!))];

    private sealed record Previous(long Sequence, Heartbeat Health, DateTimeOffset? SilentSince, DateTimeOffset LastSeenAt, bool Reconciled);

    private async Task<Dictionary<string, Previous>> PreviousAsync(string[] devices, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(LivenessSchema.PreviousSql);
        command.Parameters.Add(new NpgsqlParameter { Value = devices, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var result = new Dictionary<string, Previous>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = new Previous(
                reader.GetInt64(1),
                JsonSerializer.Deserialize<Heartbeat>(reader.GetString(2), WireJson.Options)!,
                await reader.IsDBNullAsync(3, cancellationToken) ? null : new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero),
                new DateTimeOffset(reader.GetDateTime(4), TimeSpan.Zero),
                reader.GetBoolean(5));
        }

        return result;
    }
}
