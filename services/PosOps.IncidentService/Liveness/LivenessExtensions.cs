using Marten;
using PosOps.IncidentService.AgentInbox;
using PosOps.ServiceDefaults.Configuration;

namespace PosOps.IncidentService.Liveness;

public static class LivenessExtensions
{
    /// <summary>Heartbeat ingestion into the last-known-health table.</summary>
    public static IHostApplicationBuilder AddLiveness(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<LivenessOptions>(LivenessOptions.Section);
        builder.Services.AddSingleton<HeartbeatBatchHandler>();
        builder.Services.AddHostedService<SilenceWatcher>();
        builder.Services.AddSingleton<DeviceLivenessQueries>();
        builder.Services.AddAgentQueueConsumer<HeartbeatBatchHandler>();
        builder.Services.ConfigureMarten(options => options.Storage.ExtendedSchemaObjects.Add(LivenessSchema.Table(EventStoreSchema.Name)));
        return builder;
    }
}
