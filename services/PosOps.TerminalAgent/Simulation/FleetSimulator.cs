using Microsoft.Extensions.Options;
using PosOps.Contracts.Agent;
using PosOps.TerminalAgent.Probes;
using PosOps.TerminalAgent.Terminals;

namespace PosOps.TerminalAgent.Simulation;

/// <summary>
/// Breaks and mends the simulated hardware: background faults at a mean rate, scripted scenario
/// steps, and sales that go to the offline journal while a terminal cannot reach the payment host.
/// It never sends anything itself: the agent's own probes, outbox and journal do, as for a real terminal.
/// </summary>
public sealed partial class FleetSimulator(
    TerminalFleet fleet,
    OfflineJournal.OfflineJournal journal,
    IOptions<SimulationOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<FleetSimulator> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    /// <summary>Faults the background generator picks from (tamper and power loss are scripted).</summary>
    public static readonly IReadOnlyList<(string Component, string Code)> BackgroundFaults =
    [
        ("printer", "PAPER_OUT"), ("printer", "PAPER_JAM"), ("printer", "PRINTER_OFFLINE"),
        ("display", "DISPLAY_UNRESPONSIVE"), ("keypad", "KEYPAD_UNRESPONSIVE"),
        ("power", "ON_BATTERY"), ("power", "BATTERY_LOW"), ("card-reader", "READER_FAULT"),
        ("software", "APP_CRASHED"), ("network", "WIFI_WEAK"), ("network", "WIFI_DOWN"),
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var random = settings.Seed is { } seed ? new Random(seed) : new Random();
        var start = clock.GetUtcNow();
        var scenario = settings.ScenarioFile is null ? null : Scenario.Load(settings.ScenarioFile);
        var steps = new Queue<ScenarioStep>(scenario is null ? [] : scenario.Steps.OrderBy(s => s.At));
        var repairs = new PriorityQueue<Action, DateTimeOffset>();
        var nextFault = start.AddSeconds(settings.FirstFaultAfterSeconds);
        var stopAt = settings.DurationSeconds > 0 ? start.AddSeconds(settings.DurationSeconds) : DateTimeOffset.MaxValue;
        var nextSale = fleet.Terminals.ToDictionary(t => t.DeviceId, _ => start, StringComparer.Ordinal);
        LogStarted(fleet.Terminals.Count, settings.Stores, settings.FaultEverySeconds, scenario?.Name ?? "none");

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

            while (repairs.TryPeek(out var repair, out var at) && at <= now)
            {
                repairs.Dequeue();
                repair();
            }

            while (steps.TryPeek(out var step) && start.AddSeconds(step.At) <= now)
            {
                steps.Dequeue();
                Apply(step, now, random, repairs);
            }

            if (settings.FaultEverySeconds > 0 && now >= nextFault)
            {
                BackgroundFault(now, random, repairs, settings);
                nextFault = now.AddSeconds(-Math.Log(1 - random.NextDouble()) * settings.FaultEverySeconds);
            }

            if (settings.OfflineSaleEverySeconds > 0)
            {
                await OfflineSalesAsync(now, random, nextSale, settings.OfflineSaleEverySeconds, stoppingToken);
            }
        }
    }

    private void BackgroundFault(DateTimeOffset now, Random random, PriorityQueue<Action, DateTimeOffset> repairs, SimulationOptions settings)
    {
        var healthy = fleet.Terminals.Where(t => t.Probes is SimulatedHardware { HasFault: false }).ToList();
        if (healthy.Count == 0)
        {
            return;
        }

        var terminal = healthy[random.Next(healthy.Count)];
        var hardware = (SimulatedHardware)terminal.Probes;
        var (component, code) = BackgroundFaults[random.Next(BackgroundFaults.Count)];
        var mendAt = now.AddSeconds(settings.ClearAfterMinSeconds + (random.NextDouble() * (settings.ClearAfterMaxSeconds - settings.ClearAfterMinSeconds)));
        switch (code)
        {
            case "WIFI_DOWN":
                hardware.SetLink("wifi", false);
                repairs.Enqueue(() => hardware.SetLink("wifi", true), mendAt);
                break;
            case "WIFI_WEAK":
                hardware.SetSignal("wifi", 10);
                repairs.Enqueue(() => hardware.SetSignal("wifi", 80), mendAt);
                break;
            default:
                hardware.Fail(component, code);
                repairs.Enqueue(() => hardware.Mend(component), mendAt);
                break;
        }

        LogFault(terminal.DeviceId, code);
    }

    private void Apply(ScenarioStep step, DateTimeOffset now, Random random, PriorityQueue<Action, DateTimeOffset> repairs)
    {
        var targets = fleet.Terminals
            .Where(t => step.Target == "*" || t.DeviceId == step.Target || t.Identity.StoreId == step.Target)
            .ToList();
        targets = [.. targets.Take((int)Math.Ceiling(targets.Count * step.Share))];
        foreach (var terminal in targets)
        {
            if (terminal.Probes is not SimulatedHardware hardware)
            {
                continue;
            }

            Action? undo = null;
            switch (step.Action)
            {
                case ScenarioAction.Fault:
                    hardware.Fail(step.Component!, step.Code!);
                    undo = () => hardware.Mend(step.Component!);
                    break;
                case ScenarioAction.Tamper:
                    hardware.Fail("security", "TAMPER_DETECTED");
                    undo = () => hardware.Mend("security");
                    break;
                case ScenarioAction.LinkDown:
                    hardware.SetLink(step.Link!, false);
                    undo = () => hardware.SetLink(step.Link!, true);
                    break;
                case ScenarioAction.GatewayDown:
                    hardware.SetGateway(false);
                    undo = () => hardware.SetGateway(true);
                    break;
                case ScenarioAction.PaymentHostDown:
                    hardware.SetPaymentHost(false);
                    undo = () => hardware.SetPaymentHost(true);
                    break;
                case ScenarioAction.PowerLoss:
                    terminal.SilentUntil = step.For is { } seconds ? now.AddSeconds(seconds) : DateTimeOffset.MaxValue;
                    break;
            }

            if (undo is not null && step.For is { } duration)
            {
                repairs.Enqueue(undo, now.AddSeconds(duration));
            }
        }

        LogStep(step.Action, step.Target, targets.Count, step.For);
    }

    private async Task OfflineSalesAsync(DateTimeOffset now, Random random, Dictionary<string, DateTimeOffset> nextSale, double every, CancellationToken cancellationToken)
    {
        foreach (var terminal in fleet.Terminals)
        {
            if (now < nextSale[terminal.DeviceId] || now < terminal.SilentUntil || TerminalObserver.CanReachPaymentHost(terminal))
            {
                continue;
            }

            nextSale[terminal.DeviceId] = now.AddSeconds(-Math.Log(1 - random.NextDouble()) * every);
            var amount = Math.Round((decimal)(5 + (random.NextDouble() * 195)), 2);
            var refusal = await journal.RecordAsync(terminal.DeviceId, new OfflineTransaction($"sim-{Guid.CreateVersion7(now):N}", amount, "CNY", now, "simulated sale"), cancellationToken);
            if (refusal is not null)
            {
                LogSaleRefused(terminal.DeviceId, refusal.Reason);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulating {Terminals} terminals in {Stores} stores, a background fault every {FaultEvery} s, scenario {Scenario}")]
    private partial void LogStarted(int terminals, int stores, double faultEvery, string scenario);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulated fault {Code} on {DeviceId}")]
    private partial void LogFault(string deviceId, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scenario step {Action} on {Target}: {Count} terminal(s), for {Seconds} s")]
    private partial void LogStep(ScenarioAction action, string target, int count, double? seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offline sale refused on {DeviceId}: {Reason}")]
    private partial void LogSaleRefused(string deviceId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulation finished after {Seconds} s")]
    private partial void LogFinished(double seconds);
}
