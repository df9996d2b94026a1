using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using PosOps.IncidentService.AgentInbox;

namespace PosOps.IncidentService.Liveness;

/// <summary>
/// Heartbeats are not events (design principle 1): a batch becomes one upsert of the latest health per
/// device, and a row only moves forward in sequence, so a late or repeated heartbeat changes nothing.
/// </summary>
public sealed class HeartbeatBatchHandler(NpgsqlDataSource dataSource, TimeProvider clock) : IAgentBatchHandler
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
        await using var command = dataSource.CreateCommand(LivenessSchema.UpsertSql);
        command.Parameters.Add(new NpgsqlParameter { Value = latest.Select(h => h.DeviceId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = latest.Select(h => h.StoreId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = latest.Select(h => h.Sequence).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = latest.Select(h => h.OccurredAt.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = latest.Select(h => JsonSerializer.Serialize(h, WireJson.Options)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
