using Marten;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Publishing;

public static class PublishingExtensions
{
    /// <summary>The sender of integration events and the after-commit subscription that feeds it.</summary>
    public static IHostApplicationBuilder AddPublishing(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IntegrationEventSender>();
        builder.Services.AddSingleton<ICommittedMessageSender>(services => services.GetRequiredService<IntegrationEventSender>());
        builder.Services.AddSingleton<ParkedEvents>();
        builder.Services.ConfigureMarten(options => options.Schema.For<ParkedEvent>());
        builder.Services.ConfigureMarten((services, options) =>
            options.Projections.Subscribe(
                ActivatorUtilities.CreateInstance<IncidentEventsPublisher>(services),
                subscription =>
                {
                    foreach (var type in WireEvents.StoredTypes)
                    {
                        subscription.IncludeType(type);
                    }
                }));
        return builder;
    }
}
