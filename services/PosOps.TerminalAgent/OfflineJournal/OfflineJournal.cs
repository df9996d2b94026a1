using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using PosOps.Contracts.Agent;
using PosOps.TerminalAgent.Outbox;

namespace PosOps.TerminalAgent.OfflineJournal;

/// <summary>Why the journal refused a transaction (the payment app shows it to the cashier).</summary>
public sealed record JournalRefusal(string Reason);

/// <summary>
/// Store-and-forward of transactions taken while the payment host is unreachable: the guide's
/// "record every transaction during the outage". Same SQLite file and durability as the outbox;
/// an upload is queued in the outbox in the same transaction that marks its rows, so a kill -9 at any
/// point neither loses nor doubles a transaction.
/// </summary>
public sealed class OfflineJournal(AgentStore store, AgentOutbox outbox, IOptions<OfflineJournalOptions> options, TimeProvider clock)
{
    /// <summary>Records a transaction, or says why not. Recording the same id twice is accepted once.</summary>
    public async Task<JournalRefusal?> RecordAsync(string deviceId, OfflineTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var settings = options.Value;
        var now = clock.GetUtcNow();
        if (string.IsNullOrWhiteSpace(transaction.TransactionId) || transaction.TransactionId.Length > 64)
        {
            return new JournalRefusal("transactionId is required (at most 64 characters)");
        }

        if (transaction.Amount <= 0)
        {
            return new JournalRefusal($"amount must be positive, got {transaction.Amount.ToString(CultureInfo.InvariantCulture)}");
        }

        if (transaction.Currency is not { Length: 3 } || !transaction.Currency.All(char.IsAsciiLetterUpper))
        {
            return new JournalRefusal($"currency must be an ISO 4217 code such as CNY, got '{transaction.Currency}'");
        }

        if (transaction.TakenAt > now.AddMinutes(5) || now - transaction.TakenAt > TimeSpan.FromHours(settings.MaxAgeHours))
        {
            return new JournalRefusal($"takenAt {transaction.TakenAt:O} is outside the offline window of {settings.MaxAgeHours} hours");
        }

        return await store.WriteAsync<JournalRefusal?>((c, t) =>
        {
            using var exists = c.Command(t, "select 1 from offline_journal where device_id = $d and transaction_id = $id", ("$d", deviceId), ("$id", transaction.TransactionId));
            if (exists.ExecuteScalar() is not null)
            {
                return null;
            }

            using var pending = c.Command(t, """
                select count(*), coalesce(sum(case when currency = $cur then cast(amount as real) else 0 end), 0)
                from offline_journal where device_id = $d and queued_at is null
                """, ("$d", deviceId), ("$cur", transaction.Currency));
            using var reader = pending.ExecuteReader();
            reader.Read();
            var count = reader.GetInt64(0);
            var amount = (decimal)reader.GetDouble(1);
            reader.Close();
            if (count >= settings.MaxTransactions)
            {
                return new JournalRefusal($"the offline journal already holds {count} transactions (limit {settings.MaxTransactions}); take payment another way");
            }

            var limit = settings.LimitFor(transaction.Currency);
            if (amount + transaction.Amount > limit)
            {
                return new JournalRefusal($"offline total for {transaction.Currency} would reach {(amount + transaction.Amount).ToString(CultureInfo.InvariantCulture)} (limit {limit.ToString(CultureInfo.InvariantCulture)})");
            }

            using var insert = c.Command(t, """
                insert into offline_journal (transaction_id, device_id, amount, currency, taken_at, reference)
                values ($id, $d, $amount, $cur, $taken, $ref)
                """,
                ("$id", transaction.TransactionId), ("$d", deviceId), ("$amount", transaction.Amount.ToString(CultureInfo.InvariantCulture)),
                ("$cur", transaction.Currency), ("$taken", transaction.TakenAt.ToString("O", CultureInfo.InvariantCulture)), ("$ref", transaction.Reference));
            insert.ExecuteNonQuery();
            return null;
        }, cancellationToken);
    }

    /// <summary>Transactions not yet queued for upload, per device.</summary>
    public Task<Dictionary<string, int>> PendingAsync(CancellationToken cancellationToken) =>
        store.ReadAsync(c =>
        {
            using var command = c.Command(null, "select device_id, count(*) from offline_journal where queued_at is null group by device_id");
            using var reader = command.ExecuteReader();
            var result = new Dictionary<string, int>(StringComparer.Ordinal);
            while (reader.Read())
            {
                result[reader.GetString(0)] = reader.GetInt32(1);
            }

            return result;
        }, cancellationToken);

    /// <summary>
    /// Queues up to one batch of a device's pending transactions for upload: the outbox row and the
    /// journal marks commit together. Returns how many were queued.
    /// </summary>
    public async Task<int> QueueUploadAsync(string deviceId, string storeId, CancellationToken cancellationToken)
    {
        var queued = await store.WriteAsync((c, t) =>
        {
            var batch = new List<OfflineTransaction>();
            using (var select = c.Command(t, "select transaction_id, amount, currency, taken_at, reference from offline_journal where device_id = $d and queued_at is null order by rowid limit $n",
                ("$d", deviceId), ("$n", options.Value.UploadBatchSize)))
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    batch.Add(new OfflineTransaction(reader.GetString(0), decimal.Parse(reader.GetString(1), CultureInfo.InvariantCulture), reader.GetString(2),
                        DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture), reader.IsDBNull(4) ? null : reader.GetString(4)));
                }
            }

            if (batch.Count == 0)
            {
                return 0;
            }

            var now = clock.GetUtcNow();
            using (var mark = c.Command(t, "update offline_journal set queued_at = $now where device_id = $d and transaction_id = $id",
                ("$now", now.ToString("O", CultureInfo.InvariantCulture)), ("$d", deviceId), ("$id", "")))
            {
                foreach (var transaction in batch)
                {
                    mark.Parameters["$id"].Value = transaction.TransactionId;
                    mark.ExecuteNonQuery();
                }
            }

            var totals = Totals(c, t, deviceId);
            outbox.Enqueue(c, t, [new Outgoing(deviceId, seq => new OfflineTransactionsUploaded(Guid.CreateVersion7(now), deviceId, storeId, seq, batch, totals, now))]);
            return batch.Count;
        }, cancellationToken);
        if (queued > 0)
        {
            outbox.Signal();
        }

        return queued;
    }

    /// <summary>Everything of a device queued for upload so far, this batch included, per currency: what the server must now hold.</summary>
    private static List<CurrencyTotal> Totals(SqliteConnection c, SqliteTransaction t, string deviceId)
    {
        using var command = c.Command(t, "select currency, amount from offline_journal where device_id = $d and queued_at is not null", ("$d", deviceId));
        using var reader = command.ExecuteReader();
        var totals = new SortedDictionary<string, (int Count, decimal Amount)>(StringComparer.Ordinal);
        while (reader.Read())
        {
            var currency = reader.GetString(0);
            var (count, amount) = totals.GetValueOrDefault(currency);
            totals[currency] = (count + 1, amount + decimal.Parse(reader.GetString(1), CultureInfo.InvariantCulture));
        }

        return [.. totals.Select(p => new CurrencyTotal(p.Key, p.Value.Count, p.Value.Amount))];
    }
}
