using JasperFx.Events.Projections;
using Marten;
using PosOps.ServiceDefaults.Configuration;

namespace PosOps.IncidentService.Incidents;

public static class IncidentsExtensions
{
    /// <summary>The kernel: the device stream's events, write model and one writer, durable timers, and the incident read model.</summary>
    public static IHostApplicationBuilder AddIncidents(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<CorrelationOptions>(CorrelationOptions.Section);
        builder.Services.AddSingleton<DeviceWriter>();
        builder.Services.AddSingleton<DeviceReactions>();
        builder.Services.ConfigureMarten(options =>
        {
            options.Projections.Add(new DeviceProjection(), ProjectionLifecycle.Live);
            options.Projections.Add(new IncidentViewProjection(), ProjectionLifecycle.Inline);
            options.Schema.For<IncidentView>().Index(v => v.DeviceId).Index(v => v.OpenedAt).Index(v => v.FaultCode);
            options.Events.AddEventTypes([typeof(FaultDetected), typeof(IncidentOpened), typeof(FaultCleared), typeof(IncidentResolved),
                typeof(NetworkSwitched), typeof(CommandIssued), typeof(CommandAnswered), typeof(OfflineTransactionsUploaded),
                typeof(IncidentAcknowledged), typeof(IncidentMitigated), typeof(IncidentReopened), typeof(IncidentEscalated),
                typeof(IncidentVerified), typeof(FollowUpFailed), typeof(IncidentClosed), typeof(SilenceEnded)]);
            options.Events.AddEventTypes([typeof(RunbookStarted), typeof(RunbookStepStarted), typeof(RunbookStepCompleted),
                typeof(RunbookStepFailed), typeof(RunbookStepTimedOut), typeof(RunbookFinished), typeof(BackupTerminalAssigned)]);
            options.Events.AddEventTypes([typeof(StoreOutageDetected), typeof(StoreOutageResolved),
                typeof(PlatformOutageDetected), typeof(PlatformOutageResolved), typeof(IncidentLinked), typeof(IncidentAlertReleased)]);
            options.Storage.ExtendedSchemaObjects.Add(DurableTimers.Table());
        });
        return builder;
    }
}
