using PosOps.IncidentService.AgentInbox;
using PosOps.IncidentService.Api;
using PosOps.IncidentService.Correlation;
using PosOps.IncidentService.Fleet;
using PosOps.IncidentService.Audit;
using PosOps.IncidentService.Dashboard;
using PosOps.IncidentService.Faults;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.LiveFeed;
using PosOps.IncidentService.Liveness;
using PosOps.IncidentService.Observability;
using PosOps.IncidentService.OfflineTransactions;
using PosOps.IncidentService.Publishing;
using PosOps.IncidentService.Registry;
using PosOps.IncidentService.Remediation;
using PosOps.IncidentService.Runbooks;
using PosOps.IncidentService.Security;
using PosOps.IncidentService.Timers;
using PosOps.ServiceDefaults;

namespace PosOps.IncidentService;

/// <summary>Builds the service; Program.cs runs it, and integration tests host it in-process.</summary>
public static class IncidentServiceApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(IncidentServiceApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.AddServiceDefaults();
        builder.AddPostgres();
        builder.AddEventStore();
        builder.AddRegistry();
        builder.AddAgentInbox();
        builder.AddLiveness();
        builder.AddRunbooks();
        builder.AddIncidents();
        builder.AddFaults();
        builder.AddCorrelation();
        builder.AddFleet();
        builder.AddOfflineTransactions();
        builder.AddTimers();
        builder.AddRemediation();
        builder.AddPublishing();
        builder.AddSecurity();
        builder.AddAudit();
        builder.AddLiveFeed();
        builder.AddObservability();
        builder.AddApiDocument();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<PosOps.IncidentService.Api.ApiInputGuard>();
        builder.Services.ConfigureHttpJsonOptions(o => PosOps.Contracts.WireJson.Apply(o.SerializerOptions));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurity();
        app.UseMiddleware<PosOps.IncidentService.Api.ApiInputGuard>();
        app.MapDefaultEndpoints();
        app.MapIncidentsApi();
        app.MapIncidentActionsApi();
        app.MapAlertAckApi();
        app.MapDevicesApi();
        app.MapRunbooksApi();
        app.MapFleetApi();
        app.MapGroup("").RequireAuthorization(Policies.Act).AddEndpointFilter<DeviceScopeFilter>().MapCommandsApi();
        app.MapAuditApi();
        app.MapStatsApi();
        app.MapStreamApi();
        app.MapApiDocument();
        app.MapDashboard();
        return app;
    }
}
