using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Correlation;

public static class CorrelationExtensions
{
    /// <summary>Store and platform outages: the store watcher and the alert hold.</summary>
    public static IHostApplicationBuilder AddCorrelation(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<AlertHold>();
        builder.Services.AddSingleton<IDeviceReaction>(sp => sp.GetRequiredService<AlertHold>());
        builder.Services.AddSingleton<ITimerHandler>(sp => sp.GetRequiredService<AlertHold>());
        builder.Services.AddSingleton<StoreOutageWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StoreOutageWatcher>());
        return builder;
    }
}
