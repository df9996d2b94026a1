using System.Text.Json;
using Npgsql;
using PosOps.Contracts;
using PosOps.Contracts.Agent;

namespace PosOps.IncidentService.Liveness;

/// <summary>A device's last heartbeat as the API shows it: device clock and server clock side by side.</summary>
public sealed record DeviceLiveness(string DeviceId, string StoreId, long Sequence, DateTimeOffset LastHeartbeatAt, DateTimeOffset LastSeenAt, Heartbeat Health);

public sealed class DeviceLivenessQueries(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<DeviceLiveness>> ListAsync(string? storeId, int limit, CancellationToken cancellationToken)
    {
        var sql = LivenessSchema.SelectSql + (storeId is null ? "" : " where store_id = $1") + $" order by device_id limit {limit}";
        await using var command = dataSource.CreateCommand(sql);
        if (storeId is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = storeId });
        }

        return await ReadAsync(command, cancellationToken);
    }

    public async Task<DeviceLiveness?> FindAsync(string deviceId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(LivenessSchema.SelectSql + " where device_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = deviceId });
        var rows = await ReadAsync(command, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    private static async Task<List<DeviceLiveness>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<DeviceLiveness>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new DeviceLiveness(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetInt64(2),
                new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero),
                new DateTimeOffset(reader.GetDateTime(4), TimeSpan.Zero),
                JsonSerializer.Deserialize<Heartbeat>(reader.GetString(5), WireJson.Options)!));
        }

        return rows;
    }
}
