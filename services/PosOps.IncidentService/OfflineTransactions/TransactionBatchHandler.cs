using JasperFx.Events;
using Marten;
using PosOps.Contracts;
using PosOps.Contracts.Agent;
using PosOps.IncidentService.AgentInbox;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Observability;
using Wire = PosOps.Contracts.Agent;

namespace PosOps.IncidentService.OfflineTransactions;

/// <summary>
/// Offline-transaction uploads: each transaction is stored once (by id), and the device's stream
/// records what arrived and whether the journal and the server now agree, in one transaction.
/// </summary>
public sealed class TransactionBatchHandler(IDocumentStore store, IncidentReactions reactions, TimeProvider clock, ILogger<TransactionBatchHandler> logger) : IAgentBatchHandler
{
    public string Queue => WireNames.TransactionsQueue;

    public IReadOnlyList<string> AcceptedTypes { get; } = [AgentMessageTypes.OfflineTransactions];

    public Task HandleAsync(IReadOnlyList<IAgentMessage> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return OptimisticRetry.RunAsync(() => TryHandleAsync(batch, cancellationToken), logger);
    }

    private async Task TryHandleAsync(IReadOnlyList<IAgentMessage> batch, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var now = clock.GetUtcNow();
        var streams = new Dictionary<string, (IEventStream<Device> Stream, Device State)>(StringComparer.Ordinal);
        var stored = new HashSet<string>(StringComparer.Ordinal);
        foreach (var upload in batch.Cast<Wire.OfflineTransactionsUploaded>())
        {
            var keys = upload.Transactions.Select(t => OfflineTransactionRecord.KeyOf(upload.DeviceId, t.TransactionId)).Distinct(StringComparer.Ordinal).ToArray();
            var existing = (await session.LoadManyAsync<OfflineTransactionRecord>(cancellationToken, keys)).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            existing.UnionWith(keys.Where(stored.Contains));
            var fresh = upload.Transactions
                .DistinctBy(t => t.TransactionId, StringComparer.Ordinal)
                .Where(t => !existing.Contains(OfflineTransactionRecord.KeyOf(upload.DeviceId, t.TransactionId)))
                .ToList();
            if (!streams.TryGetValue(upload.DeviceId, out var entry))
            {
                var stream = await session.Events.FetchForWriting<Device>(upload.DeviceId, cancellationToken);
                entry = (stream, stream.Aggregate ?? DeviceDecider.Initial(upload.DeviceId));
            }

            using var span = EventTracing.StartApply(upload);
            var events = DeviceDecider.Decide(
                new RecordOfflineTransactions(upload.MessageId, upload.DeviceId, upload.StoreId, upload.Sequence, fresh, upload.Transactions.Count - fresh.Count,
                    upload.JournalTotals, upload.OccurredAt, now),
                entry.State);
            var (after, appended) = await reactions.ApplyAsync(session, entry.State, events, now, cancellationToken);
            entry.Stream.AppendMany(EventTracing.Stamp(session, appended));
            streams[upload.DeviceId] = (entry.Stream, after);
            if (events.Length == 0)
            {
                continue; // a replayed upload: its transactions are already stored
            }

            foreach (var t in fresh)
            {
                var key = OfflineTransactionRecord.KeyOf(upload.DeviceId, t.TransactionId);
                session.Insert(new OfflineTransactionRecord(key, upload.DeviceId, upload.StoreId, t.TransactionId, t.Amount, t.Currency, t.TakenAt, t.Reference, now));
                stored.Add(key);
            }
        }

        await session.SaveChangesAsync(cancellationToken);
    }
}
