namespace PosOps.IncidentService.Observability;

public static class ObservabilityExtensions
{
    /// <summary>The IncidentService's sampled gauges on /metrics (the exporter itself is in ServiceDefaults).</summary>
    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHostedService<IncidentServiceGauges>();
        return builder;
    }
}
