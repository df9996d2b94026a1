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
        table.AddColumn("silent_since", "timestamptz");
        table.AddColumn<bool>("reconciled").NotNull().DefaultValueByExpression("true");
        table.Indexes.Add(new IndexDefinition("ix_device_liveness_last_seen") { Columns = ["last_seen_at"] });
        return table;
    }

    public static readonly string UpsertSql = Upsert(EventStoreSchema.Name);

    private static string Upsert(string schema) => $"""
        insert into {schema}.{TableName} as d (device_id, store_id, sequence, last_heartbeat_at, last_seen_at, health, reconciled)
        select u.device_id, u.store_id, u.sequence, u.heartbeat_at, $5, u.health::jsonb, u.reconciled
        from unnest($1, $2, $3, $4, $6, $7) as u(device_id, store_id, sequence, heartbeat_at, health, reconciled)
        on conflict (device_id) do update set
            store_id = excluded.store_id,
            sequence = excluded.sequence,
            last_heartbeat_at = excluded.last_heartbeat_at,
            last_seen_at = excluded.last_seen_at,
            health = excluded.health,
            silent_since = null,
            reconciled = excluded.reconciled
        where excluded.sequence > d.sequence
        """;

    /// <summary>Marks devices silent whose last heartbeat is older than $1, at most $2 a round, each claimed by one instance.</summary>
    public static readonly string ClaimSilentSql = $"""
        update {EventStoreSchema.Name}.{TableName} d set silent_since = d.last_seen_at
        where d.device_id in (
            select device_id from {EventStoreSchema.Name}.{TableName}
            where last_seen_at < now() - $1 and silent_since is null
            order by last_seen_at
            limit $2
            for update skip locked)
        returning d.device_id, d.store_id, d.last_seen_at
        """;

    /// <summary>The previous health and silence of the devices in a heartbeat batch.</summary>
    public static readonly string PreviousSql = $"""
        select device_id, sequence, health::text, silent_since, last_seen_at, reconciled from {EventStoreSchema.Name}.{TableName} where device_id = any($1)
        """;

    public static readonly string SelectSql = $"""
        select device_id, store_id, sequence, last_heartbeat_at, last_seen_at, health::text
        from {EventStoreSchema.Name}.{TableName}
        """;
}
