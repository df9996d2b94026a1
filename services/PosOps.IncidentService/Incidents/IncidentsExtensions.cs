using JasperFx.Events.Projections;
using Marten;
using PosOps.IncidentService.AgentInbox;

namespace PosOps.IncidentService.Incidents;

public static class IncidentsExtensions
{
    /// <summary>Fault ingestion, the device write model and the incident read model.</summary>
    public static IHostApplicationBuilder AddIncidents(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<DeviceWriter>();
        builder.Services.AddSingleton<IncidentReactions>();
        builder.Services.AddSingleton<FaultBatchHandler>();
        builder.Services.AddAgentQueueConsumer<FaultBatchHandler>();
        builder.Services.ConfigureMarten(options =>
        {
            options.Projections.Add(new DeviceProjection(), ProjectionLifecycle.Live);
            options.Projections.Add(new IncidentViewProjection(), ProjectionLifecycle.Inline);
            options.Schema.For<IncidentView>().Index(v => v.DeviceId).Index(v => v.OpenedAt).Index(v => v.FaultCode);
            options.Events.AddEventTypes([typeof(FaultDetected), typeof(IncidentOpened), typeof(FaultCleared), typeof(IncidentResolved),
                typeof(NetworkSwitched), typeof(CommandIssued), typeof(CommandAnswered), typeof(OfflineTransactionsUploaded),
                typeof(IncidentAcknowledged), typeof(IncidentMitigated), typeof(IncidentReopened), typeof(IncidentEscalated),
                typeof(IncidentVerified), typeof(FollowUpFailed), typeof(IncidentClosed), typeof(SilenceEnded)]);
        });
        return builder;
    }
}
