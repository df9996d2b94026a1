using PosOps.ServiceDefaults;

namespace PosOps.NotificationService;

/// <summary>Builds the service; Program.cs runs it, and integration tests host it in-process.</summary>
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
        builder.AddAlerts();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        return app;
    }
}
