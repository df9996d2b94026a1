using PosOps.ServiceDefaults.Configuration;
using PosOps.ServiceDefaults.Security;

namespace PosOps.NotificationService.Delivery;

public static class DeliveryExtensions
{
    /// <summary>The delivery log (schema applied at start-up), its metrics and the worker that sends what it holds.</summary>
    public static IHostApplicationBuilder AddDelivery(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<DeliveryOptions>(DeliveryOptions.Section);
        builder.Services.AddValidatedOptions<AlertAckTokenOptions>(AlertAckTokenOptions.Section);
        builder.Services.AddSingleton<DeliveryLog>();
        builder.Services.AddSingleton<DeliverySignal>();
        builder.Services.AddSingleton<DeliveryMetrics>();
        // Hosted services start in this order: the schema exists before the worker (or the bus) touches it.
        builder.Services.AddHostedService<DeliverySchemaMigration>();
        builder.Services.AddHostedService<DeliveryWorker>();
        return builder;
    }
}
