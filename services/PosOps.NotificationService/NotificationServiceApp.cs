using PosOps.NotificationService.Channels;
using PosOps.NotificationService.Delivery;
using PosOps.NotificationService.Routing;
using PosOps.ServiceDefaults;

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
        builder.AddAlertIntake(); // last: it consumes only once the schema, the rules and the worker are up
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        return app;
    }
}
