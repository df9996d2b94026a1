using Microsoft.Extensions.Options;
using PosOps.TerminalAgent.Outbox;

namespace PosOps.TerminalAgent.Terminals;

/// <summary>
/// The agent's heartbeat: every tick it observes each terminal, stores what changed (and due
/// heartbeats) in the outbox in one transaction, and queues offline-journal uploads for terminals
/// that can reach the payment host again.
/// </summary>
public sealed partial class AgentRuntime(
    TerminalFleet fleet,
    TerminalObserver observer,
    AgentOutbox outbox,
    OfflineJournal.OfflineJournal journal,
    IOptions<AgentOptions> options,
    TimeProvider clock,
    ILogger<AgentRuntime> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.HeartbeatIntervalSeconds);
        var start = clock.GetUtcNow();
        foreach (var terminal in fleet.Terminals)
        {
            // Start on the best link without announcing a "switch", and spread first heartbeats over one interval.
            terminal.Link = observer.Policy.Decide(terminal.Link, TerminalObserver.UsableLinks(terminal), start).State;
            terminal.NextHeartbeatAt = start + (interval * Random.Shared.NextDouble());
        }

        LogStarted(fleet.Terminals.Count, interval.TotalSeconds);
        using var timer = new PeriodicTimer(Tick, clock);
        var pending = new Dictionary<string, int>(StringComparer.Ordinal);
        var nextJournalCheck = start;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var now = clock.GetUtcNow();
                if (now >= nextJournalCheck)
                {
                    pending = await journal.PendingAsync(stoppingToken);
                    nextJournalCheck = now.AddSeconds(1);
                }

                var outgoing = new List<Outgoing>();
                foreach (var terminal in fleet.Terminals)
                {
                    if (now < terminal.SilentUntil)
                    {
                        continue;
                    }

                    var heartbeatDue = now >= terminal.NextHeartbeatAt;
                    if (heartbeatDue)
                    {
                        terminal.NextHeartbeatAt = now + (interval * (0.9 + (Random.Shared.NextDouble() * 0.2)));
                    }

                    observer.Observe(terminal, now, heartbeatDue, pending.GetValueOrDefault(terminal.DeviceId), outgoing);
                }

                await outbox.EnqueueAsync(outgoing, stoppingToken);

                foreach (var (deviceId, count) in pending)
                {
                    if (count > 0 && fleet.Find(deviceId) is { } terminal && now >= terminal.SilentUntil && TerminalObserver.CanReachPaymentHost(terminal))
                    {
                        var queued = await journal.QueueUploadAsync(deviceId, terminal.Identity.StoreId, stoppingToken);
                        pending[deviceId] = count - queued;
                        LogUploadQueued(deviceId, queued);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogTickFailed(e.Message, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent hosts {Count} terminal(s), heartbeat every {Interval} s")]
    private partial void LogStarted(int count, double interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued {Count} offline transactions of {DeviceId} for upload")]
    private partial void LogUploadQueued(string deviceId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Agent tick failed: {Reason}")]
    private partial void LogTickFailed(string reason, Exception exception);
}
