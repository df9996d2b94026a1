using Marten;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;
using Weasel.Postgresql.Tables;
using Weasel.Postgresql.Triggers;

namespace PosOps.IncidentService.Audit;

/// <summary>
/// The hash chain lives in the database: an AFTER INSERT trigger on mt_events writes
/// event_hashes(stream_id, version, hash) in the appending transaction, whatever the writer
/// (device, store or platform streams, any Marten append mode). Registered as Marten extended
/// schema objects so it is created and migrated with the rest of the schema.
/// </summary>
public static class HashChainSchema
{
    public const string HashTable = EventStoreSchema.Name + ".event_hashes";

    /// <summary>
    /// The canonical content of one event: identity, version, type, server timestamp (microseconds
    /// since the epoch, independent of the session's time zone) and metadata, with jsonb's own
    /// normalised text for the data and headers (key order and spacing are fixed by jsonb).
    /// </summary>
    public const string DigestSql = $$"""
        create or replace function {{EventStoreSchema.Name}}.event_content_digest(
            p_stream_id varchar, p_version bigint, p_id uuid, p_type varchar, p_timestamp timestamptz,
            p_data jsonb, p_correlation_id varchar, p_causation_id varchar, p_headers jsonb)
        returns bytea language sql immutable as $body$
            select sha256(convert_to(concat_ws(E'\x1f',
                p_stream_id, p_version::text, p_id::text, p_type,
                (extract(epoch from p_timestamp) * 1000000)::bigint::text,
                p_data::text, coalesce(p_correlation_id, ''), coalesce(p_causation_id, ''), coalesce(p_headers::text, '')), 'UTF8'))
        $body$;
        """;

    public const string DigestOfRow = $"case when e.id is null then null else {EventStoreSchema.Name}.event_content_digest(e.stream_id, e.version, e.id, e.type, e.timestamp, e.data, e.correlation_id, e.causation_id, e.headers) end";

    private const string TriggerFunctionSql = $$"""
        create or replace function {{EventStoreSchema.Name}}.event_hash_append() returns trigger language plpgsql as $body$
        declare
            previous bytea;
        begin
            select h.hash into previous from {{HashTable}} h where h.stream_id = NEW.stream_id and h.version = NEW.version - 1;
            insert into {{HashTable}} (stream_id, version, hash)
            values (NEW.stream_id, NEW.version, sha256(coalesce(previous, ''::bytea) || {{EventStoreSchema.Name}}.event_content_digest(
                NEW.stream_id, NEW.version, NEW.id, NEW.type, NEW.timestamp, NEW.data, NEW.correlation_id, NEW.causation_id, NEW.headers)))
            -- a stream deleted and started again begins a new chain
            on conflict (stream_id, version) do update set hash = excluded.hash;
            return null;
        end
        $body$;
        """;

    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var table = new Table(new PostgresqlObjectName(EventStoreSchema.Name, "event_hashes", SchemaUtils.IdentifierUsage.General));
        table.AddColumn("stream_id", "varchar").AsPrimaryKey();
        table.AddColumn("version", "bigint").AsPrimaryKey();
        table.AddColumn("hash", "bytea").NotNull();
        options.Storage.ExtendedSchemaObjects.Add(table);
        options.Storage.ExtendedSchemaObjects.Add(Function.ForSql(DigestSql));
        options.Storage.ExtendedSchemaObjects.Add(Function.ForSql(TriggerFunctionSql));
        options.Storage.Add(new HashChainFeature(options));
    }

    /// <summary>A feature of its own for the trigger: extended schema objects are created before the event tables.</summary>
    private sealed class HashChainFeature(StoreOptions options) : FeatureSchemaBase("HashChain", options.Advanced.Migrator)
    {
        protected override IEnumerable<ISchemaObject> schemaObjects() => [new HashChainTrigger()];
    }

    /// <summary>The trigger, declared to depend on mt_events so the migration creates it after the event tables.</summary>
    private sealed class HashChainTrigger : Trigger, ISchemaObjectWithDependencies
    {
        private static readonly PostgresqlObjectName EventsTable = new(EventStoreSchema.Name, "mt_events", SchemaUtils.IdentifierUsage.General);

        public HashChainTrigger()
            : base(new PostgresqlObjectName(EventStoreSchema.Name, "mt_events_hash_chain", SchemaUtils.IdentifierUsage.General), EventsTable, $"{EventStoreSchema.Name}.event_hash_append()")
        {
            Timing = TriggerTiming.After;
            Events = TriggerEvents.Insert;
            ForEachRow = true;
        }

        public IEnumerable<DbObjectName> DependsOn => [EventsTable];
    }
}
