using PosOps.ServiceDefaults.Configuration;

namespace PosOps.NotificationService;

public static class AlertsExtensions
{
    /// <summary>The intake: incident events from the partitioned queues become alerts in the delivery log.</summary>
    public static IHostApplicationBuilder AddAlertIntake(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<IntakeOptions>(IntakeOptions.Section);
        builder.Services.AddSingleton<AlertIntake>();
        builder.Services.AddHostedService<IncidentEventsConsumer>();
        return builder;
    }
}
