using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace PosOps.IncidentService.Liveness;

/// <summary>
/// The last known health of every device: one row per device, overwritten by heartbeats.
/// A plain table (not a Marten document) so a whole batch is one set-based upsert.
/// </summary>
public static class LivenessSchema
{
    public const string TableName = "device_liveness";

    public static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("device_id").AsPrimaryKey();
        table.AddColumn<string>("store_id").NotNull();
        table.AddColumn<long>("sequence").NotNull();
        table.AddColumn("last_heartbeat_at", "timestamptz").NotNull();
        table.AddColumn("last_seen_at", "timestamptz").NotNull();
        table.AddColumn("health", "jsonb").NotNull();
        return table;
    }

    public static readonly string UpsertSql = Upsert(EventStoreSchema.Name);

    private static string Upsert(string schema) => $"""
        insert into {schema}.{TableName} as d (device_id, store_id, sequence, last_heartbeat_at, last_seen_at, health)
        select u.device_id, u.store_id, u.sequence, u.heartbeat_at, $5, u.health::jsonb
        from unnest($1, $2, $3, $4, $6) as u(device_id, store_id, sequence, heartbeat_at, health)
        on conflict (device_id) do update set
            store_id = excluded.store_id,
            sequence = excluded.sequence,
            last_heartbeat_at = excluded.last_heartbeat_at,
            last_seen_at = excluded.last_seen_at,
            health = excluded.health
        where excluded.sequence > d.sequence
        """;

    public static string SelectSql(string schema) => $"""
        select device_id, store_id, sequence, last_heartbeat_at, last_seen_at, health::text
        from {schema}.{TableName}
        """;
}
