using Marten;
using PosOps.IncidentService.AgentInbox;

namespace PosOps.IncidentService.OfflineTransactions;

public static class OfflineTransactionsExtensions
{
    /// <summary>Offline-transaction uploads: stored once each, reconciled in the device stream.</summary>
    public static IHostApplicationBuilder AddOfflineTransactions(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<TransactionBatchHandler>();
        builder.Services.AddAgentQueueConsumer<TransactionBatchHandler>();
        builder.Services.ConfigureMarten(options => options.Schema.For<OfflineTransactionRecord>().Index(r => r.DeviceId));
        return builder;
    }
}
