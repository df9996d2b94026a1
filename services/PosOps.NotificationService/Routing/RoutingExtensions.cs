using PosOps.ServiceDefaults.Configuration;

namespace PosOps.NotificationService.Routing;

public static class RoutingExtensions
{
    /// <summary>The routing rules in force (<see cref="RulesWatcher"/>): a bad file stops start-up, a bad change is refused.</summary>
    public static IHostApplicationBuilder AddRouting(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<RoutingOptions>(RoutingOptions.Section);
        builder.Services.AddSingleton<RulesWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RulesWatcher>());
        return builder;
    }
}
