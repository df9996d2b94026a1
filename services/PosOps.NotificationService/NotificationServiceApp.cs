using PosOps.NotificationService.Channels;
using PosOps.NotificationService.Delivery;
using PosOps.NotificationService.Routing;
using PosOps.ServiceDefaults;
using PosOps.ServiceDefaults.Messaging;

namespace PosOps.NotificationService;

/// <summary>
/// Builds the service; Program.cs runs it, and integration tests host it in-process. One registration
/// per folder. Kernel/ (receivers) and the Alert record may be used by every folder; Channels and
/// Routing name no other feature; Delivery uses both; the intake (Alerts/) feeds Routing and Delivery.
/// </summary>
public static class NotificationServiceApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(NotificationServiceApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.AddServiceDefaults();
        builder.AddPostgres();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddChannels();
        builder.AddRouting();
        builder.AddDelivery();
        AddIntake(builder);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        return app;
    }

    // The intake of Alerts/, registered here while Alerts/ is being reworked on another branch
    // (AlertsExtensions.AddAlerts still registers everything and is no longer called). Last, so the bus
    // consumes only once the schema, the rules and the worker are up.
    private static void AddIntake(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AlertIntake>();
        builder.AddPosOpsBus(x => x.AddAlertConsumers());
    }
}
