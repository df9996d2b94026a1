using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using PosOps.ServiceDefaults;
using PosOps.ServiceDefaults.Messaging;
using PosOps.TerminalAgent.Trust;

namespace PosOps.TerminalAgent.Outbox;

/// <summary>A message to send, built once its device's next sequence number is known.</summary>
public sealed record Outgoing(string DeviceId, Func<long, IAgentMessage> Create);

/// <summary>A stored message waiting for the broker's confirm.</summary>
public sealed record OutboxRow(long Id, string DeviceId, string Type, string Exchange, string MessageId, long Sequence, bool Persistent, string Signature, byte[] Body);

/// <summary>
/// Everything the agent sends goes here first, in the same SQLite transaction that takes the
/// device's next sequence number, and leaves only after the broker confirmed it. So nothing
/// produced during a broker or network outage, or before a kill -9, is lost, and order per device holds.
/// </summary>
public sealed class AgentOutbox
{
    private readonly WakeSignal pending = new();
    private readonly Dictionary<string, long> sequences = new(StringComparer.Ordinal);
    private readonly AgentStore store;
    private readonly IDeviceKeys keys;
    private readonly IOptions<AgentStoreOptions> options;
    private readonly TimeProvider clock;

    public AgentOutbox(AgentStore store, IDeviceKeys keys, IOptions<AgentStoreOptions> options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(store);
        this.store = store;
        this.keys = keys;
        this.options = options;
        this.clock = clock;

        // Sequences taken inside a transaction that later rolls back (e.g. a journal upload) were never stored.
        store.RolledBack += sequences.Clear;
    }

    /// <summary>Stores the messages; returns them with their sequence numbers.</summary>
    public async Task<IReadOnlyList<IAgentMessage>> EnqueueAsync(IReadOnlyList<Outgoing> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            return [];
        }

        var result = await store.WriteAsync((c, t) => Enqueue(c, t, items), cancellationToken);
        Signal();
        return result;
    }

    /// <summary>Enqueues inside a transaction the caller owns (e.g. with the journal rows it uploads).</summary>
    internal IReadOnlyList<IAgentMessage> Enqueue(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<Outgoing> items)
    {
        var taken = new Dictionary<string, long>(StringComparer.Ordinal);
        var messages = new List<IAgentMessage>(items.Count);
        MakeRoom(connection, transaction, items.Count);
        var now = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        foreach (var item in items)
        {
            var sequence = (taken.TryGetValue(item.DeviceId, out var last) ? last : CurrentSequence(connection, transaction, item.DeviceId)) + 1;
            taken[item.DeviceId] = sequence;
            var message = item.Create(sequence);
            if (message.Sequence != sequence || !string.Equals(message.DeviceId, item.DeviceId, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{message.GetType().Name} must carry device {item.DeviceId} and sequence {sequence}");
            }

            var type = AgentExchanges.TypeOf(message);
            var body = JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), WireJson.Options);
            using var insert = connection.Command(transaction, """
                insert into outbox (device_id, type, exchange, message_id, sequence, persistent, signature, body, created_at)
                values ($device, $type, $exchange, $id, $sequence, $persistent, $signature, $body, $now)
                """,
                ("$device", item.DeviceId), ("$type", type), ("$exchange", AgentExchanges.For(type)), ("$id", message.MessageId.ToString()),
                ("$sequence", sequence), ("$persistent", type == AgentMessageTypes.Heartbeat ? 0 : 1),
                ("$signature", AgentSignature.Sign(keys.KeyFor(item.DeviceId), item.DeviceId, sequence, body)), ("$body", body), ("$now", now));
            insert.ExecuteNonQuery();
            messages.Add(message);
        }

        foreach (var (device, sequence) in taken)
        {
            using var save = connection.Command(transaction,
                "insert into device_sequence (device_id, sequence) values ($d, $s) on conflict (device_id) do update set sequence = excluded.sequence",
                ("$d", device), ("$s", sequence));
            save.ExecuteNonQuery();
        }

        foreach (var (device, sequence) in taken)
        {
            sequences[device] = sequence;
        }

        return messages;
    }

    /// <summary>The next rows to publish, oldest first.</summary>
    public Task<IReadOnlyList<OutboxRow>> PeekAsync(int max, CancellationToken cancellationToken) =>
        store.ReadAsync<IReadOnlyList<OutboxRow>>(c =>
        {
            using var command = c.Command(null, "select id, device_id, type, exchange, message_id, sequence, persistent, signature, body from outbox order by id limit $max", ("$max", max));
            using var reader = command.ExecuteReader();
            var rows = new List<OutboxRow>();
            while (reader.Read())
            {
                rows.Add(new OutboxRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetInt64(5), reader.GetInt64(6) == 1, reader.GetString(7), (byte[])reader.GetValue(8)));
            }

            return rows;
        }, cancellationToken);

    /// <summary>Removes rows the broker confirmed.</summary>
    public Task RemoveAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ids.Count == 0 ? Task.CompletedTask : store.WriteAsync((c, t) =>
        {
            using var delete = c.Command(t, "delete from outbox where id = $id", ("$id", 0L));
            foreach (var id in ids)
            {
                delete.Parameters["$id"].Value = id;
                delete.ExecuteNonQuery();
            }

            return 0;
        }, cancellationToken);
    }

    public Task<long> CountAsync(CancellationToken cancellationToken) =>
        store.ReadAsync(c =>
        {
            using var command = c.Command(null, "select count(*) from outbox");
            return (long)command.ExecuteScalar()!;
        }, cancellationToken);

    /// <summary>Waits until something is enqueued, or the timeout passes.</summary>
    public Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken) => pending.WaitAsync(timeout, cancellationToken);

    internal void Signal() => pending.Wake();

    private long CurrentSequence(SqliteConnection connection, SqliteTransaction transaction, string deviceId)
    {
        if (sequences.TryGetValue(deviceId, out var cached))
        {
            return cached;
        }

        using var command = connection.Command(transaction, "select sequence from device_sequence where device_id = $d", ("$d", deviceId));
        return command.ExecuteScalar() is long stored ? stored : 0;
    }

    // Bounded: when full, the oldest heartbeats go first (the next heartbeat says the same, newer).
    // Faults, clears, results and transactions are never dropped, so the bound is soft for them.
    private void MakeRoom(SqliteConnection connection, SqliteTransaction transaction, int incoming)
    {
        using var count = connection.Command(transaction, "select count(*) from outbox");
        var excess = (long)count.ExecuteScalar()! + incoming - options.Value.MaxOutboxMessages;
        if (excess > 0)
        {
            using var evict = connection.Command(transaction,
                "delete from outbox where id in (select id from outbox where type = $type order by id limit $n)",
                ("$type", AgentMessageTypes.Heartbeat), ("$n", excess));
            evict.ExecuteNonQuery();
        }
    }
}
