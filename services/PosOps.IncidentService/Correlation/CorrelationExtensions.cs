using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Correlation;

public static class CorrelationExtensions
{
    /// <summary>Store and platform outages: the store watcher and the alert hold.</summary>
    public static IHostApplicationBuilder AddCorrelation(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Registered by type, not through factories: the container then sees (and refuses) any cycle
        // between a reaction and the writer that runs it, instead of recursing for ever.
        builder.Services.AddSingleton<IDeviceReaction, AlertHold>();
        builder.Services.AddSingleton<ITimerHandler, AlertHoldRelease>();
        builder.Services.AddSingleton<StoreOutageWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StoreOutageWatcher>());
        return builder;
    }
}
