using MassTransit;
using PosOps.NotificationService.Channels;
using PosOps.NotificationService.Delivery;
using PosOps.ServiceDefaults.Configuration;
using PosOps.ServiceDefaults.Messaging;

namespace PosOps.NotificationService;

public static class AlertsExtensions
{
    /// <summary>Consumers of incident integration events, the delivery log and the webhook channel.</summary>
    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<WebhookOptions>(WebhookOptions.Section);
        builder.Services.AddHttpClient<WebhookChannel>();
        builder.Services.AddSingleton<DeliveryLog>();
        builder.Services.AddSingleton<AlertDispatcher>();
        builder.Services.AddHostedService<DeliveryLogMigration>();
        builder.AddPosOpsBus(x =>
        {
            x.AddConsumer<IncidentOpenedConsumer, IncidentConsumerDefinition<IncidentOpenedConsumer>>();
            x.AddConsumer<IncidentResolvedConsumer, IncidentConsumerDefinition<IncidentResolvedConsumer>>();
            x.AddConsumer<IncidentEscalatedConsumer, IncidentConsumerDefinition<IncidentEscalatedConsumer>>();
        });
        return builder;
    }
}

/// <summary>Creates the delivery log tables before the bus starts consuming.</summary>
public sealed class DeliveryLogMigration(DeliveryLog log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => log.EnsureSchemaAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
