namespace PosOps.IncidentService.OfflineTransactions;

/// <summary>
/// One offline transaction as the server holds it. Id = device id + ":" + transaction id, so a
/// transaction uploaded twice is stored once.
/// </summary>
public sealed record OfflineTransactionRecord(
    string Id,
    string DeviceId,
    string StoreId,
    string TransactionId,
    decimal Amount,
    string Currency,
    DateTimeOffset TakenAt,
    string? Reference,
    DateTimeOffset ReceivedAt)
{
    public static string KeyOf(string deviceId, string transactionId) => $"{deviceId}:{transactionId}";
}
