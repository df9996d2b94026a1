using Marten;
using PosOps.ServiceDefaults.Configuration;

namespace PosOps.IncidentService.Timers;

public static class TimersExtensions
{
    /// <summary>Durable timers in PostgreSQL and the worker that fires them.</summary>
    public static IHostApplicationBuilder AddTimers(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<FollowUpOptions>(FollowUpOptions.Section);
        builder.Services.AddHostedService<TimerWorker>();
        builder.Services.ConfigureMarten(options => options.Storage.ExtendedSchemaObjects.Add(DurableTimers.Table()));
        return builder;
    }
}
