using Marten;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace PosOps.IncidentService.Incidents;

/// <summary>A due timer, claimed by one IncidentService instance.</summary>
public sealed record DueTimer(Guid Id, string Kind, string DeviceId, Guid IncidentId, int Level);

/// <summary>Fires due timers of the kinds a feature owns (registered by that feature; the timer worker dispatches).</summary>
public interface ITimerHandler
{
    IReadOnlyCollection<string> Kinds { get; }

    Task FireAsync(DueTimer due, CancellationToken cancellationToken);
}

/// <summary>
/// Durable time (design principle 5): deadlines are rows in PostgreSQL, written in the same
/// transaction as the event that starts them, and claimed with FOR UPDATE SKIP LOCKED so that with
/// several instances each fires once. A claim expires, so a timer whose instance died fires elsewhere.
/// </summary>
public static class DurableTimers
{
    public const string TableName = "timers";
    private static readonly string Qualified = $"{EventStoreSchema.Name}.{TableName}";

    public static Table Table()
    {
        var table = new Table(new PostgresqlObjectName(EventStoreSchema.Name, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("id").AsPrimaryKey();
        table.AddColumn<string>("kind").NotNull();
        table.AddColumn<string>("device_id").NotNull();
        table.AddColumn<Guid>("incident_id").NotNull();
        table.AddColumn("due_at", "timestamptz").NotNull();
        table.AddColumn("claimed_until", "timestamptz");
        table.AddColumn<int>("attempts").NotNull().DefaultValue(0);
        table.AddColumn<int>("level").NotNull().DefaultValue(1);
        table.Indexes.Add(new IndexDefinition("ix_timers_due") { Columns = ["due_at"] });
        return table;
    }

    /// <summary>Cancels, in the session's transaction, the timers of one kind of an incident.</summary>
    public static void Cancel(IDocumentSession session, Guid incidentId, string kind)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.QueueSqlCommand($"delete from {Qualified} where incident_id = ? and kind = ?", incidentId, kind);
    }

    public static void Schedule(IDocumentSession session, string kind, string deviceId, Guid incidentId, int level, DateTimeOffset dueAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.QueueSqlCommand(
            $"insert into {Qualified} (id, kind, device_id, incident_id, level, due_at) values (?, ?, ?, ?, ?, ?)",
            Guid.CreateVersion7(now), kind, deviceId, incidentId, level, dueAt);
    }

    public static async Task<IReadOnlyList<DueTimer>> ClaimDueAsync(NpgsqlDataSource dataSource, int max, TimeSpan claimFor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand($"""
            with due as (
                select id from {Qualified}
                where due_at <= now() and (claimed_until is null or claimed_until < now())
                order by due_at
                limit $1
                for update skip locked)
            update {Qualified} t set claimed_until = now() + $2, attempts = t.attempts + 1
            from due where t.id = due.id
            returning t.id, t.kind, t.device_id, t.incident_id, t.level
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = max });
        command.Parameters.Add(new NpgsqlParameter { Value = claimFor });
        var timers = new List<DueTimer>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            timers.Add(new DueTimer(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetGuid(3), reader.GetInt32(4)));
        }

        return timers;
    }

    /// <summary>Deletes a fired timer in the transaction that records what it did, so it fires once.</summary>
    public static void CompleteIn(IDocumentSession session, Guid id)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.QueueSqlCommand($"delete from {Qualified} where id = ?", id);
    }

    /// <summary>The <see cref="DeviceDecision.AlsoInTransaction"/> that deletes a fired timer with what it recorded.</summary>
    public static Action<IDocumentSession, IDeviceEvent[], DateTimeOffset> Completes(DueTimer due)
    {
        ArgumentNullException.ThrowIfNull(due);
        return (session, _, _) => CompleteIn(session, due.Id);
    }

    public static async Task PostponeAsync(NpgsqlDataSource dataSource, Guid id, TimeSpan by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand($"update {Qualified} set due_at = now() + $2, claimed_until = null where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = by });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
