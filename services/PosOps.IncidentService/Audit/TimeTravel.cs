using Marten;
using Npgsql;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Audit;

/// <summary>A device's write model as it stood at an instant, and the last version it reflects.</summary>
public sealed record DeviceStateAt(string DeviceId, DateTimeOffset At, long Version, Device State);

/// <summary>
/// Rebuilds a device's state as of an instant of the server clock (recorded-at): Marten's live
/// aggregation of the stream up to that timestamp, through the same pure Evolve the writers use.
/// </summary>
public sealed class TimeTravel(IDocumentStore store, NpgsqlDataSource dataSource)
{
    private const string VersionSql = $"select max(version) from {EventStoreSchema.Name}.mt_events where stream_id = $1 and timestamp <= $2";

    public async Task<DeviceStateAt?> DeviceAsync(string deviceId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(VersionSql);
        command.Parameters.Add(new NpgsqlParameter { Value = deviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = at.ToUniversalTime() });
        if (await command.ExecuteScalarAsync(cancellationToken) is not long version)
        {
            return null;
        }

        // Aggregating up to the version found (rather than the timestamp again) keeps state and version consistent.
        await using var session = store.QuerySession();
        var state = await session.Events.AggregateStreamAsync<Device>(deviceId, version: version, token: cancellationToken);
        return state is null ? null : new DeviceStateAt(deviceId, at, version, state);
    }
}
