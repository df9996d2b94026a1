using JasperFx;
using JasperFx.Events.Daemon;

namespace PosOps.IncidentService;

/// <summary>
/// Marten's async daemon pauses a subscription or projection shard that keeps failing (e.g. while
/// PostgreSQL is away) and does not start it again by itself. This watchdog looks every few seconds,
/// reports a stopped shard in /health/ready, and restarts it (and a stale high-water agent) once the
/// database answers. On a replica that does not lead (hot/cold) there is nothing to look at.
/// </summary>
public sealed partial class DaemonWatchdog(IProjectionCoordinator coordinator, DependencyGuard guard, ILogger<DaemonWatchdog> logger) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await guard.RunAsync("event-daemon", CheckAsync, stoppingToken);
        }
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        var daemon = coordinator.DaemonForMainDatabase();
        if (!daemon.IsRunning)
        {
            return;
        }

        if (daemon.IsHighWaterStale)
        {
            LogRestart("high water", "stale");
            await daemon.RestartHighWaterAgentAsync(cancellationToken);
        }

        foreach (var agent in daemon.CurrentAgents().Where(a => a.Status != AgentStatus.Running).ToList())
        {
            LogRestart(agent.Name.Identity, agent.Status.ToString());
            await daemon.StartAgentAsync(agent.Name.Identity, cancellationToken);

            // Until it runs again, the shard (the after-commit publisher, say) is not doing its job.
            if (daemon.CurrentAgents().FirstOrDefault(a => a.Name.Identity == agent.Name.Identity) is { Status: not AgentStatus.Running })
            {
                throw new DependencyUnavailableException(DependencyFailure.Postgres, $"event shard {agent.Name.Identity} is {agent.Status}");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Async daemon: {Shard} was {Status}; starting it again")]
    private partial void LogRestart(string shard, string status);
}
