using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PosOps.ServiceDefaults.Configuration;
using PosOps.ServiceDefaults.Health;
using PosOps.ServiceDefaults.Messaging;
using PosOps.ServiceDefaults.Postgres;
using PosOps.ServiceDefaults.Resilience;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PosOps.ServiceDefaults;

/// <summary>What every PosOps process shares: configuration sources, logging, telemetry, health, broker settings.</summary>
public static class Extensions
{
    private const string LiveTag = "live";
    private const string ReadyTag = "ready";

    /// <summary>
    /// Call first in every Program.cs. Adds <c>POSOPS__</c> environment variables (and the short
    /// <c>POSOPS_POSTGRES</c> / <c>POSOPS_RABBITMQ</c> forms printed by <c>deploy/local/servers.sh env</c>),
    /// one-line console logs, OpenTelemetry (OTLP only when an endpoint is configured), the liveness
    /// check, and validated broker settings with a readiness check.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddPosOpsConfiguration(builder.Configuration);

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });

        var serviceName = builder.Environment.ApplicationName;
        var otel = builder.Services.AddOpenTelemetry()
            .WithMetrics(m => m.AddRuntimeInstrumentation().AddHttpClientInstrumentation().AddAspNetCoreInstrumentation().AddMeter("PosOps.*").AddPrometheusExporter())
            // RabbitMQ.Client's own spans carry the agents' W3C traceparent into IncidentService's raw consumers.
            .WithTracing(t => t.AddSource(serviceName, "PosOps.*", "RabbitMQ.Client.*").AddHttpClientInstrumentation());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }

        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.AddValidatedOptions<RabbitMqOptions>(RabbitMqOptions.Section);
        builder.Services.AddSingleton<AmqpConnectionProvider>();
        builder.Services.AddHealthChecks().AddCheck<RabbitMqHealthCheck>("rabbitmq", tags: [ReadyTag]);

        // Long-running loops wait out dependency outages and say so in /health/ready (see DependencyGuard).
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddValidatedOptions<ResilienceOptions>(ResilienceOptions.Section);
        builder.Services.AddSingleton<DependencyHealth>();
        builder.Services.AddSingleton<DependencyGuard>();
        builder.Services.AddHealthChecks().AddCheck<LoopsHealthCheck>("loops", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>Validated PostgreSQL settings, a shared <see cref="NpgsqlDataSource"/> and a readiness check.</summary>
    public static TBuilder AddPostgres<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<PostgresOptions>(PostgresOptions.Section);
        builder.Services.AddSingleton(sp => NpgsqlDataSource.Create(sp.GetRequiredService<IOptions<PostgresOptions>>().Value.ConnectionString));
        builder.Services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgres", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>Adds the PosOps configuration sources to any configuration (also used by tools and tests).</summary>
    public static IConfigurationBuilder AddPosOpsConfiguration(this IConfigurationBuilder configuration)
    {
        var shortForms = new Dictionary<string, string?>();
        if (Environment.GetEnvironmentVariable("POSOPS_POSTGRES") is { Length: > 0 } pg)
        {
            shortForms[$"{PostgresOptions.Section}:ConnectionString"] = pg;
        }

        if (Environment.GetEnvironmentVariable("POSOPS_RABBITMQ") is { Length: > 0 } amqp)
        {
            shortForms[$"{RabbitMqOptions.Section}:Uri"] = amqp;
        }

        // The explicit POSOPS__Section__Name form is added last so it wins over the short forms.
        return configuration.AddInMemoryCollection(shortForms).AddEnvironmentVariables("POSOPS__");
    }

    /// <summary>
    /// <c>/health/live</c> (the process runs), <c>/health/ready</c> (broker and database answer) and
    /// <c>/metrics</c> (Prometheus text format of every <c>PosOps.*</c> meter, runtime and HTTP), all anonymous.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag), ResponseWriter = WriteReportAsync }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = r => r.Tags.Contains(ReadyTag), ResponseWriter = WriteReportAsync }).AllowAnonymous();
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        return app;
    }

    private static Task WriteReportAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), error = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}
