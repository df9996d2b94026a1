using Microsoft.Extensions.Options;
using PosOps.Contracts.Agent;
using PosOps.TerminalAgent.Publishing;

namespace PosOps.TerminalAgent.Simulation;

/// <summary>
/// Hosts N virtual terminals in M stores: heartbeats spread over the interval, background faults at
/// a configured mean rate, each cleared after a while. Used by ./run.sh, tests and benchmarks.
/// </summary>
public sealed partial class FleetSimulator(
    AgentPublisher publisher,
    IOptions<SimulationOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<FleetSimulator> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var random = settings.Seed is { } seed ? new Random(seed) : new Random();
        var start = clock.GetUtcNow();
        var terminals = CreateFleet(settings, random, start);
        var pendingClears = new PriorityQueue<(SimulatedTerminal Terminal, string Component), DateTimeOffset>();
        var nextFault = start.AddSeconds(settings.FirstFaultAfterSeconds);
        var stopAt = settings.DurationSeconds > 0 ? start.AddSeconds(settings.DurationSeconds) : DateTimeOffset.MaxValue;
        LogStarted(terminals.Count, settings.Stores, settings.HeartbeatIntervalSeconds, settings.FaultEverySeconds);

        using var timer = new PeriodicTimer(Tick, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = clock.GetUtcNow();
            if (now >= stopAt)
            {
                LogFinished(settings.DurationSeconds);
                lifetime.StopApplication();
                return;
            }

            var outgoing = new List<IAgentMessage>();
            while (pendingClears.TryPeek(out var due, out var at) && at <= now)
            {
                pendingClears.Dequeue();
                if (due.Terminal.Clear(due.Component, now) is { } cleared)
                {
                    outgoing.Add(cleared);
                }
            }

            if (settings.FaultEverySeconds > 0 && now >= nextFault)
            {
                var healthy = terminals.Where(t => !t.HasFault).ToList();
                if (healthy.Count > 0)
                {
                    var terminal = healthy[random.Next(healthy.Count)];
                    var (component, code) = SimulatedTerminal.BackgroundFaults[random.Next(SimulatedTerminal.BackgroundFaults.Count)];
                    outgoing.Add(terminal.Fail(component, code, now));
                    var clearAfter = settings.ClearAfterMinSeconds + (random.NextDouble() * (settings.ClearAfterMaxSeconds - settings.ClearAfterMinSeconds));
                    pendingClears.Enqueue((terminal, component), now.AddSeconds(clearAfter));
                    LogFault(terminal.DeviceId, code);
                }

                // Exponential gaps: faults arrive as a Poisson process with the configured mean.
                nextFault = now.AddSeconds(-Math.Log(1 - random.NextDouble()) * settings.FaultEverySeconds);
            }

            foreach (var terminal in terminals)
            {
                if (terminal.NextHeartbeatAt <= now)
                {
                    outgoing.Add(terminal.Heartbeat(now));
                    terminal.NextHeartbeatAt = now.AddSeconds(settings.HeartbeatIntervalSeconds * (0.9 + (random.NextDouble() * 0.2)));
                }
            }

            await PublishAllAsync(outgoing, stoppingToken);
        }
    }

    private async Task PublishAllAsync(List<IAgentMessage> messages, CancellationToken cancellationToken)
    {
        // Edges first and in order per device; heartbeats may go concurrently.
        foreach (var edge in messages.Where(m => m is not Heartbeat))
        {
            await TryPublishAsync(edge, cancellationToken);
        }

        await Task.WhenAll(messages.OfType<Heartbeat>().Select(h => TryPublishAsync(h, cancellationToken)));
    }

    private async Task TryPublishAsync(IAgentMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await publisher.PublishAsync(message, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The durable outbox (issue 4) will keep these; until then the loss is logged, not hidden.
            LogPublishFailed(message.GetType().Name, message.DeviceId, e.Message);
        }
    }

    private static List<SimulatedTerminal> CreateFleet(SimulationOptions settings, Random random, DateTimeOffset start)
    {
        var fleet = new List<SimulatedTerminal>(settings.Terminals);
        for (var i = 0; i < settings.Terminals; i++)
        {
            var store = (i % settings.Stores) + 1;
            var number = (i / settings.Stores) + 1;
            fleet.Add(new SimulatedTerminal($"S{store:00}-T{number:000}", $"S{store:00}")
            {
                // Spread the first heartbeats over one interval so the fleet does not beat in lockstep.
                NextHeartbeatAt = start.AddSeconds(random.NextDouble() * settings.HeartbeatIntervalSeconds),
            });
        }

        return fleet;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulating {Terminals} terminals in {Stores} stores, heartbeat every {Interval} s, a fault every {FaultEvery} s")]
    private partial void LogStarted(int terminals, int stores, double interval, double faultEvery);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulated fault {Code} on {DeviceId}")]
    private partial void LogFault(string deviceId, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish {Type} for {DeviceId}: {Reason}")]
    private partial void LogPublishFailed(string type, string deviceId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulation finished after {Seconds} s")]
    private partial void LogFinished(double seconds);
}
