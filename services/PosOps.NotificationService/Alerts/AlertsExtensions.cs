using PosOps.NotificationService.Channels;
using PosOps.NotificationService.Delivery;
using PosOps.NotificationService.Routing;
using PosOps.ServiceDefaults.Configuration;
using PosOps.ServiceDefaults.Security;

namespace PosOps.NotificationService;

public static class AlertsExtensions
{
    /// <summary>Consumers of incident integration events, routing rules, channels, the delivery log and its worker.</summary>
    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<WebhookOptions>(WebhookOptions.Section);
        builder.Services.AddValidatedOptions<SmtpOptions>(SmtpOptions.Section);
        builder.Services.AddValidatedOptions<RoutingOptions>(RoutingOptions.Section);
        builder.Services.AddValidatedOptions<DeliveryOptions>(DeliveryOptions.Section);
        builder.Services.AddValidatedOptions<AlertAckTokenOptions>(AlertAckTokenOptions.Section);
        builder.Services.AddValidatedOptions<IntakeOptions>(IntakeOptions.Section);

        builder.Services.AddHttpClient(nameof(IAlertChannel));
        builder.Services.AddSingleton<IAlertChannel>(sp => ActivatorUtilities.CreateInstance<WebhookChannel>(sp, Http(sp)));
        builder.Services.AddSingleton<IAlertChannel>(sp => ActivatorUtilities.CreateInstance<SlackChannel>(sp, Http(sp)));
        builder.Services.AddSingleton<IAlertChannel>(sp => ActivatorUtilities.CreateInstance<DingTalkChannel>(sp, Http(sp)));
        builder.Services.AddSingleton<IAlertChannel>(sp => ActivatorUtilities.CreateInstance<WeComChannel>(sp, Http(sp)));
        builder.Services.AddSingleton<IAlertChannel>(sp => ActivatorUtilities.CreateInstance<FeishuChannel>(sp, Http(sp)));
        builder.Services.AddSingleton<IAlertChannel>(sp => ActivatorUtilities.CreateInstance<SmsChannel>(sp, Http(sp)));
        builder.Services.AddSingleton<IAlertChannel, EmailChannel>();

        builder.Services.AddSingleton<DeliveryLog>();
        builder.Services.AddSingleton<DeliverySignal>();
        builder.Services.AddSingleton<DeliveryMetrics>();
        builder.Services.AddSingleton<AlertIntake>();
        builder.Services.AddSingleton<RulesWatcher>();
        // Order matters: schema first, then the rules (a bad file stops start-up), then delivery, then intake.
        builder.Services.AddHostedService<DeliveryLogMigration>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RulesWatcher>());
        builder.Services.AddHostedService<DeliveryWorker>();
        builder.Services.AddHostedService<IncidentEventsConsumer>();
        return builder;
    }

    private static HttpClient Http(IServiceProvider services) => services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(IAlertChannel));
}

/// <summary>Creates the delivery log tables before the bus starts consuming.</summary>
public sealed class DeliveryLogMigration(DeliveryLog log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => log.EnsureSchemaAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
