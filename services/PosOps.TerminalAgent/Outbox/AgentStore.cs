using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace PosOps.TerminalAgent.Outbox;

/// <summary>
/// The agent's SQLite file: WAL with synchronous=FULL, so a committed row survives kill -9 and power
/// loss. One connection, serialized: the agent's write rate is small and SQLite has one writer anyway.
/// </summary>
public sealed class AgentStore : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly SqliteConnection connection;

    public AgentStore(IOptions<AgentStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = Path.GetFullPath(options.Value.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Execute("""
            pragma journal_mode = wal;
            pragma synchronous = full;
            pragma foreign_keys = on;
            create table if not exists outbox (
                id integer primary key autoincrement,
                device_id text not null,
                type text not null,
                exchange text not null,
                message_id text not null,
                sequence integer not null,
                persistent integer not null,
                signature text not null,
                body blob not null,
                created_at text not null);
            create index if not exists outbox_heartbeats on outbox (type, id);
            create table if not exists device_sequence (
                device_id text primary key,
                sequence integer not null);
            create table if not exists offline_journal (
                device_id text not null,
                transaction_id text not null,
                amount text not null,
                currency text not null,
                taken_at text not null,
                reference text,
                queued_at text,
                primary key (device_id, transaction_id));
            create index if not exists offline_journal_pending on offline_journal (device_id, queued_at);
            create table if not exists handled_commands (
                command_id text primary key,
                device_id text not null,
                handled_at text not null);
            """);
    }

    /// <summary>Raised when a write transaction rolls back, so in-memory caches of its effects can be dropped.</summary>
    public event Action? RolledBack;

    /// <summary>Runs <paramref name="work"/> alone on the connection, inside one transaction.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await gate.WaitAsync(cancellationToken);
        try
        {
            // SQLite work is synchronous by nature; it is short and runs alone under the gate.
#pragma warning disable VSTHRD103
            using var transaction = connection.BeginTransaction();
            try
            {
                var result = work(connection, transaction);
                transaction.Commit();
                return result;
            }
            catch
            {
                RolledBack?.Invoke();
                throw;
            }
#pragma warning restore VSTHRD103
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Runs a read alone on the connection.</summary>
    public async Task<T> ReadAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await gate.WaitAsync(cancellationToken);
        try
        {
            return work(connection);
        }
        finally
        {
            gate.Release();
        }
    }

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public async ValueTask DisposeAsync()
    {
        await connection.DisposeAsync();
        gate.Dispose();
    }
}

internal static class SqliteExtensions
{
    public static SqliteCommand Command(this SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
