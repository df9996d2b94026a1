using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using PosOps.Contracts;
using PosOps.Contracts.Agent;

namespace PosOps.IncidentService.Liveness;

/// <summary>A device's last heartbeat as the API shows it: device clock and server clock side by side.</summary>
public sealed record DeviceLiveness(string DeviceId, string StoreId, long Sequence, DateTimeOffset LastHeartbeatAt, DateTimeOffset LastSeenAt, Heartbeat Health);

/// <summary>A set of device ids that a list keeps (Include) or leaves out.</summary>
public sealed record DeviceSet(IReadOnlyCollection<string> Ids, bool Include);

public sealed class DeviceLivenessQueries(NpgsqlDataSource dataSource)
{
    /// <param name="devices">Only these devices (Include) or all but these (Exclude); null for all.</param>
    public async Task<IReadOnlyList<DeviceLiveness>> ListAsync(string? storeId, int limit, CancellationToken cancellationToken, DeviceSet? devices = null)
    {
        await using var command = dataSource.CreateCommand();
        var conditions = new List<string>();
        if (storeId is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = storeId });
            conditions.Add($"store_id = ${command.Parameters.Count}");
        }

        if (devices is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = devices.Ids.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            conditions.Add(devices.Include ? $"device_id = any(${command.Parameters.Count})" : $"device_id <> all(${command.Parameters.Count})");
        }

        command.CommandText = LivenessSchema.SelectSql + (conditions.Count == 0 ? "" : " where " + string.Join(" and ", conditions)) + $" order by device_id limit {limit}";
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
