using System.Collections.Immutable;
using PosOps.Contracts.Agent;
using PosOps.IncidentService.Incidents;
using OfflineTransactionsUploaded = PosOps.IncidentService.Incidents.OfflineTransactionsUploaded;

namespace PosOps.IncidentService.OfflineTransactions;

/// <summary>The offline-transactions slice of the decider: reconciling an upload with the terminal's journal.</summary>
public sealed class OfflineTransactionsSlice : IDeviceSlice
{
    public IReadOnlyCollection<Type> Commands { get; } = [typeof(RecordOfflineTransactions)];

    public IReadOnlyCollection<Type> Events { get; } = [typeof(OfflineTransactionsUploaded)];

    // Uploads come on their own queue: they are guarded by their own mark (and by transaction ids),
    // so they neither wait for nor overtake the fault edges.
    public IDeviceEvent[] Decide(DeviceCommand command, Device state, FlapPolicy flapping) =>
        command is RecordOfflineTransactions upload
            ? upload.Sequence <= state.LastUploadSequence ? [] : [Uploaded(upload, state)]
            : throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "not an offline-transactions command");

    public Device Evolve(Device state, IDeviceEvent @event) => @event is OfflineTransactionsUploaded e
        ? state with
        {
            LastUploadSequence = Math.Max(state.LastUploadSequence, e.Sequence),
            OfflineTotals = Add(state.OfflineTotals, e.Totals),
            OfflineReconciled = e.Reconciled,
        }
        : state;

    /// <summary>
    /// Reconciliation: after this upload, does the server hold, per currency, exactly the count and
    /// amount the terminal's journal says it holds?
    /// </summary>
    private static OfflineTransactionsUploaded Uploaded(RecordOfflineTransactions c, Device state)
    {
        var totals = Totals(c.NewTransactions);
        var after = Add(state.OfflineTotals, totals);
        var differences = c.JournalTotals
            .Select(j => (Journal: j, Server: after.GetValueOrDefault(j.Currency) ?? new CurrencyTotal(j.Currency, 0, 0)))
            .Where(p => p.Journal.Count != p.Server.Count || p.Journal.Amount != p.Server.Amount)
            .Select(p => $"{p.Journal.Currency}: journal {p.Journal.Count} / {p.Journal.Amount}, server {p.Server.Count} / {p.Server.Amount}")
            .Concat(after.Keys.Except(c.JournalTotals.Select(j => j.Currency)).Select(cur => $"{cur}: on the server but not in the journal"))
            .ToList();
        var reconciliation = differences.Count == 0
            ? "journal and server agree: " + string.Join(", ", c.JournalTotals.Select(j => $"{j.Count} {j.Currency} {j.Amount}"))
            : "not yet reconciled: " + string.Join("; ", differences);
        return new OfflineTransactionsUploaded(c.DeviceId, c.NewTransactions.Count, totals, c.Duplicates, c.JournalTotals, differences.Count == 0, reconciliation,
            c.MessageId, c.Sequence, c.OccurredAt);
    }

    private static IReadOnlyList<CurrencyTotal> Totals(IEnumerable<OfflineTransaction> transactions) =>
        [.. transactions.GroupBy(t => t.Currency, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CurrencyTotal(g.Key, g.Count(), g.Sum(t => t.Amount)))];

    private static ImmutableDictionary<string, CurrencyTotal> Add(ImmutableDictionary<string, CurrencyTotal> running, IEnumerable<CurrencyTotal> more) =>
        more.Aggregate(running, (acc, t) => acc.SetItem(t.Currency, acc.TryGetValue(t.Currency, out var have)
            ? have with { Count = have.Count + t.Count, Amount = have.Amount + t.Amount }
            : t));
}
