using Marten;
using PosOps.ServiceDefaults.Configuration;

namespace PosOps.IncidentService.Correlation;

public static class CorrelationExtensions
{
    /// <summary>Store and platform outages: thresholds, the store watcher, and their events.</summary>
    public static IHostApplicationBuilder AddCorrelation(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<CorrelationOptions>(CorrelationOptions.Section);
        builder.Services.AddSingleton<StoreOutageWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StoreOutageWatcher>());
        builder.Services.ConfigureMarten(options => options.Events.AddEventTypes([typeof(StoreOutageDetected), typeof(StoreOutageResolved),
            typeof(PlatformOutageDetected), typeof(PlatformOutageResolved), typeof(IncidentLinked), typeof(IncidentAlertReleased)]));
        return builder;
    }
}
