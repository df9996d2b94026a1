using PosOps.ServiceDefaults.Configuration;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Timers;

public static class TimersExtensions
{
    /// <summary>The escalation and follow-up deadlines, and the worker that fires every due timer.</summary>
    public static IHostApplicationBuilder AddTimers(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<FollowUpOptions>(FollowUpOptions.Section);
        builder.Services.AddSingleton<IDeviceReaction, DeadlineTimers>();
        builder.Services.AddHostedService<TimerWorker>();
        return builder;
    }
}
