using Marten;
using PosOps.ServiceDefaults.Configuration;

namespace PosOps.IncidentService.AgentInbox;

public static class AgentInboxExtensions
{
    /// <summary>Settings and metrics shared by every agent queue consumer.</summary>
    public static IHostApplicationBuilder AddAgentInbox(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<AgentInboxOptions>(AgentInboxOptions.Section);
        builder.Services.AddValidatedOptions<TrustOptions>(TrustOptions.Section);
        builder.Services.AddSingleton<MessageTrust>();
        builder.Services.AddSingleton<InboxMetrics>();
        builder.Services.ConfigureMarten(options => options.Storage.ExtendedSchemaObjects.Add(MessageTrust.Table(EventStoreSchema.Name)));
        builder.Services.AddHostedService<AgentTopologyInitializer>();
        return builder;
    }

    /// <summary>Runs a consumer for the handler's queue.</summary>
    public static IServiceCollection AddAgentQueueConsumer<THandler>(this IServiceCollection services)
        where THandler : class, IAgentBatchHandler
    {
        return services.AddSingleton<IHostedService>(sp =>
            ActivatorUtilities.CreateInstance<AgentQueueConsumer>(sp, sp.GetRequiredService<THandler>()));
    }
}
