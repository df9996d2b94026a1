using PosOps.Contracts;
using PosOps.Contracts.Agent;
using PosOps.IncidentService.AgentInbox;
using PosOps.IncidentService.Incidents;
using Wire = PosOps.Contracts.Agent;

namespace PosOps.IncidentService.OfflineTransactions;

/// <summary>
/// Offline-transaction uploads: each transaction is stored once (by id), and the device's stream
/// records what arrived and whether the journal and the server now agree, in one transaction.
/// </summary>
public sealed class TransactionBatchHandler(DeviceWriter writer) : IAgentBatchHandler
{
    public string Queue => WireNames.TransactionsQueue;

    public IReadOnlyList<string> AcceptedTypes { get; } = [AgentMessageTypes.OfflineTransactions];

    public Task HandleAsync(IReadOnlyList<IAgentMessage> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return writer.WriteAsync([.. batch.Cast<Wire.OfflineTransactionsUploaded>().Select(upload => Decide(upload, cancellationToken))], cancellationToken);
    }

    private static DeviceDecision Decide(Wire.OfflineTransactionsUploaded upload, CancellationToken cancellationToken)
    {
        List<OfflineTransaction> fresh = [];
        return new DeviceDecision(
            upload.DeviceId,
            async (write, state) =>
            {
                var keys = upload.Transactions.Select(t => OfflineTransactionRecord.KeyOf(upload.DeviceId, t.TransactionId)).Distinct(StringComparer.Ordinal).ToArray();
                var existing = (await write.Session.LoadManyAsync<OfflineTransactionRecord>(cancellationToken, keys)).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
                // An earlier upload in the same batch may have stored some already (not yet committed).
                existing.UnionWith(write.Session.PendingChanges.InsertsFor<OfflineTransactionRecord>().Select(r => r.Id));
                fresh = [.. upload.Transactions
                    .DistinctBy(t => t.TransactionId, StringComparer.Ordinal)
                    .Where(t => !existing.Contains(OfflineTransactionRecord.KeyOf(upload.DeviceId, t.TransactionId)))];
                return new Decided(DeviceDecider.Decide(
                    new RecordOfflineTransactions(upload.MessageId, upload.DeviceId, upload.StoreId, upload.Sequence, fresh, upload.Transactions.Count - fresh.Count,
                        upload.JournalTotals, upload.OccurredAt, write.Now),
                    state));
            },
            (session, appended, now) =>
            {
                if (appended.Length == 0)
                {
                    return; // a replayed upload: its transactions are already stored
                }

                foreach (var t in fresh)
                {
                    session.Insert(new OfflineTransactionRecord(OfflineTransactionRecord.KeyOf(upload.DeviceId, t.TransactionId), upload.DeviceId, upload.StoreId,
                        t.TransactionId, t.Amount, t.Currency, t.TakenAt, t.Reference, now));
                }
            },
            upload);
    }
}
