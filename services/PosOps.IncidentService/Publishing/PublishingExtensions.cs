using Marten;
using MassTransit;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Remediation;
using PosOps.ServiceDefaults.Messaging;

namespace PosOps.IncidentService.Publishing;

public static class PublishingExtensions
{
    /// <summary>The bus for integration events and the after-commit subscription that feeds it.</summary>
    public static IHostApplicationBuilder AddPublishing(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddPosOpsBus();
        builder.Services.AddSingleton<AgentCommandPublisher>();
        builder.Services.AddSingleton<ParkedEvents>();
        builder.Services.ConfigureMarten(options => options.Schema.For<ParkedEvent>());
        builder.Services.ConfigureMarten((services, options) =>
            options.Projections.Subscribe(
                new IncidentEventsPublisher(services.GetRequiredService<IBus>(), services.GetRequiredService<AgentCommandPublisher>(), services.GetRequiredService<DependencyGuard>(),
                    services.GetRequiredService<ParkedEvents>(), services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<IncidentEventsPublisher>>()),
                subscription =>
                {
                    subscription.IncludeType<IncidentOpened>();
                    subscription.IncludeType<IncidentResolved>();
                    subscription.IncludeType<CommandIssued>();
                    subscription.IncludeType<IncidentAcknowledged>();
                    subscription.IncludeType<IncidentMitigated>();
                    subscription.IncludeType<IncidentEscalated>();
                    subscription.IncludeType<IncidentReopened>();
                    subscription.IncludeType<IncidentVerified>();
                    subscription.IncludeType<IncidentClosed>();
                    subscription.IncludeType<IncidentAlertReleased>();
                    subscription.IncludeType<StoreOutageDetected>();
                    subscription.IncludeType<StoreOutageResolved>();
                    subscription.IncludeType<PlatformOutageDetected>();
                    subscription.IncludeType<PlatformOutageResolved>();
                }));
        return builder;
    }
}
