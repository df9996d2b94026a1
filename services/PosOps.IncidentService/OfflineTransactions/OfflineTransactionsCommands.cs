using PosOps.Contracts.Agent;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.OfflineTransactions;

/// <summary>
/// Offline transactions arrived. <paramref name="NewTransactions"/> are the ones the server did not
/// have yet (the store of transactions decided that, by transaction id).
/// </summary>
public sealed record RecordOfflineTransactions(
    Guid MessageId, string DeviceId, string StoreId, long Sequence, IReadOnlyList<OfflineTransaction> NewTransactions, int Duplicates,
    IReadOnlyList<CurrencyTotal> JournalTotals, DateTimeOffset OccurredAt, DateTimeOffset Now)
    : AgentReport(MessageId, DeviceId, StoreId, Sequence, OccurredAt, Now);
