using Marten;
using Microsoft.Extensions.Options;
using PosOps.Contracts.Agent;
using Npgsql;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Liveness;

namespace PosOps.IncidentService.Timers;

/// <summary>Fires due timers: the follow-up check verifies a resolved incident (or waits for reconciliation).</summary>
public sealed partial class TimerWorker(
    NpgsqlDataSource dataSource,
    IDocumentStore store,
    DeviceWriter writer,
    IEnumerable<ITimerHandler> handlers,
    DeviceLivenessQueries liveness,
    IOptions<FollowUpOptions> options,
    IOptions<LivenessOptions> livenessOptions,
    TimeProvider clock,
    DependencyGuard guard,
    ILogger<TimerWorker> logger) : BackgroundService
{
    private static readonly TimeSpan ClaimFor = TimeSpan.FromSeconds(60);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.PollSeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await guard.RunAsync("timers", RoundAsync, stoppingToken);
        }
    }

    private async Task RoundAsync(CancellationToken stoppingToken)
    {
        foreach (var due in await DurableTimers.ClaimDueAsync(dataSource, 50, ClaimFor, stoppingToken))
        {
            try
            {
                await FireAsync(due, stoppingToken);
            }
            catch (Exception e) when (!DependencyFailure.IsTransient(e) && e is not OperationCanceledException)
            {
                // One timer whose decision throws must not hold up the others: its claim expires and it fires
                // again. A dependency failure ends the round instead, and the guard waits it out.
                LogFailed(e.Message, e);
            }
        }
    }

    // A fired timer is deleted in the transaction that records what it did, so it fires once.
    private static Action<IDocumentSession, IDeviceEvent[], DateTimeOffset> Completes(DueTimer due) => DurableTimers.Completes(due);

    // Kinds other features own go to their handler; the lifecycle's own deadlines are fired here.
    private Task FireAsync(DueTimer due, CancellationToken cancellationToken) => due.Kind switch
    {
        DeadlineTimers.AcknowledgeDeadline => EscalateAsync(due, cancellationToken),
        _ when handlers.FirstOrDefault(h => h.Kinds.Contains(due.Kind)) is { } handler => handler.FireAsync(due, cancellationToken),
        _ => FollowUpAsync(due, cancellationToken),
    };

    // Nobody took the incident in time: escalate one level, and give the next level its own deadline.
    private async Task EscalateAsync(DueTimer due, CancellationToken cancellationToken)
    {
        var settings = options.Value.Escalation;
        var deadline = TimeSpan.Zero;
        var events = await writer.DecideAsync(
            due.DeviceId,
            (state, now) =>
            {
                deadline = state.FindActive(due.IncidentId) is { } incident ? settings.DeadlineFor(incident.Severity) : TimeSpan.Zero;
                return new EscalateIfUnacknowledged(due.DeviceId, due.IncidentId, due.Level, deadline, now);
            },
            cancellationToken,
            (session, appended, now) =>
            {
                DurableTimers.CompleteIn(session, due.Id);
                if (appended.Length > 0 && due.Level < settings.MaxLevel)
                {
                    DurableTimers.Schedule(session, DeadlineTimers.AcknowledgeDeadline, due.DeviceId, due.IncidentId, due.Level + 1, now + deadline, now);
                }
            });
        if (events.Length > 0)
        {
            LogEscalated(due.IncidentId, due.DeviceId, due.Level);
        }
    }

    private async Task FollowUpAsync(DueTimer due, CancellationToken cancellationToken)
    {
        var health = await liveness.FindAsync(due.DeviceId, cancellationToken);
        if (await FollowUpFailureAsync(due, health, cancellationToken) is { } failure)
        {
            var failed = await writer.DecideAsync(due.DeviceId, (_, now) => new FailFollowUp(due.DeviceId, due.IncidentId, failure, now), cancellationToken,
                Completes(due));
            if (failed.Length > 0)
            {
                LogFollowUpFailed(due.IncidentId, due.DeviceId, failure);
            }

            return;
        }

        var journalEmpty = health is null || health.Health.OfflineJournalDepth == 0;
        try
        {
            var events = await writer.DecideAsync(due.DeviceId, (_, now) => new VerifyIncident(due.DeviceId, due.IncidentId, journalEmpty, now), cancellationToken,
                Completes(due));
            if (events.Length > 0)
            {
                LogVerified(due.IncidentId, due.DeviceId);
            }
        }
        catch (InvalidOperationException e)
        {
            // Not yet verifiable (offline transactions outstanding): look again later.
            LogPostponed(due.IncidentId, e.Message);
            await DurableTimers.PostponeAsync(dataSource, due.Id, TimeSpan.FromSeconds(options.Value.RetryUnreconciledSeconds), cancellationToken);
        }
    }

    /// <summary>
    /// The guide's follow-up: is the terminal really back to normal? Not if it is not heard from, or its
    /// heartbeat still shows the fault (say ops resolved it by hand while the paper is still out).
    /// </summary>
    private async Task<string?> FollowUpFailureAsync(DueTimer due, DeviceLiveness? health, CancellationToken cancellationToken)
    {
        if (health is null)
        {
            return null; // a store or platform stream, or a device that never sent a heartbeat: nothing to judge by
        }

        var quiet = clock.GetUtcNow() - health.LastSeenAt;
        if (quiet > livenessOptions.Value.SilentAfter)
        {
            return $"the terminal has not been heard from for {quiet.TotalSeconds:0} s";
        }

        await using var session = store.QuerySession();
        var incident = await session.LoadAsync<IncidentView>(due.IncidentId, cancellationToken);
        return incident is not null && health.Health.Components.Any(c => c.Status != ComponentStatus.Ok && c.Code == incident.FaultCode)
            ? $"the terminal's heartbeat still reports {incident.FaultCode}"
            : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Follow-up of incident {IncidentId} on {DeviceId} failed: {Reason}; the incident reopens")]
    private partial void LogFollowUpFailed(Guid incidentId, string deviceId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incident {IncidentId} on {DeviceId} not acknowledged in time: escalated to level {Level}")]
    private partial void LogEscalated(Guid incidentId, string deviceId, int level);

    [LoggerMessage(Level = LogLevel.Information, Message = "Follow-up passed: incident {IncidentId} on {DeviceId} verified")]
    private partial void LogVerified(Guid incidentId, string deviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Follow-up of incident {IncidentId} postponed: {Reason}")]
    private partial void LogPostponed(Guid incidentId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A timer failed (it fires again when its claim expires): {Reason}")]
    private partial void LogFailed(string reason, Exception exception);
}
