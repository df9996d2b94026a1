using System.Diagnostics;
using System.Globalization;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace PosOps.Benchmarks.Fleet;

/// <summary>
/// The fleet benchmark's terminals, in a process of their own (`fleet-agents`), so the services measured are
/// not sharing a runtime with the load. Every terminal beats once per interval, spread evenly over it; faults
/// arrive at a steady rate and clear 5 s later; a burst takes down whole stores at once; a sample goes silent.
/// What the measuring process needs is printed, one line per fact: F/B device time (fault, burst fault
/// published), S device time (last heartbeat of a silenced terminal), END with totals. Times are Unix µs.
/// </summary>
public static class FleetAgents
{
    public const string Mode = "fleet-agents";
    private const int Lanes = 4;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    public sealed record Plan(string Amqp, int Terminals, double Interval, double Seconds, int FaultsPerSecond, double BurstAt, int BurstStores, int Silent)
    {
        public string[] Arguments() => [Mode, Amqp, .. new object[] { Terminals, Interval, Seconds, FaultsPerSecond, BurstAt, BurstStores, Silent }
            .Select(o => Convert.ToString(o, CultureInfo.InvariantCulture)!)];

        public static Plan Parse(string[] a) => new(a[1], Int(a[2]), Num(a[3]), Num(a[4]), Int(a[5]), Num(a[6]), Int(a[7]), Int(a[8]));

        /// <summary>Silenced terminals: terminal 3 of stores spread over the fleet, never in a burst store.</summary>
        public IReadOnlyList<int> SilentDevices() =>
            [.. Enumerable.Range(0, Silent).Select(k => ((BurstStores + 1 + (k * ((Terminals / SimulatedFleet.TerminalsPerStore) - BurstStores - 1) / Math.Max(Silent, 1))) * SimulatedFleet.TerminalsPerStore) + 3)];

        private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

        private static double Num(string s) => double.Parse(s, CultureInfo.InvariantCulture);
    }

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 3 && args[2] == "ceiling")
        {
            return await CeilingAsync(args[1], 10_000, TimeSpan.FromSeconds(5));
        }

        var plan = Plan.Parse(args);
        var fleet = new SimulatedFleet(plan.Terminals);
        var factory = AmqpConnectionProvider.CreateFactory(new RabbitMqOptions { Uri = plan.Amqp }, "posops-bench-fleet-agents");
        await using var connection = await factory.CreateConnectionAsync();
        var lanes = await Task.WhenAll(Enumerable.Range(0, Lanes + 1).Select(_ => ConfirmedChannelAsync(connection)));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(plan.Seconds));
        var silent = plan.SilentDevices().ToHashSet();
        Console.WriteLine("READY");

        var beats = BeatAsync(fleet, plan, lanes[..Lanes], silent, stop.Token);
        var faults = FaultsAsync(fleet, plan, lanes[Lanes], silent, stop.Token);
        var (heartbeats, behindMs) = await beats;
        var faulted = await faults;
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"END heartbeats={heartbeats} faults={faulted} behindMaxMs={behindMs:0} cpu={self.TotalProcessorTime.TotalSeconds:0.0} peakRss={self.PeakWorkingSet64}"));
        foreach (var lane in lanes)
        {
            await lane.DisposeAsync();
        }

        return 0;
    }

    private static async Task<(long Count, double BehindMs)> BeatAsync(SimulatedFleet fleet, Plan plan, IChannel[] lanes, HashSet<int> silent, CancellationToken stop)
    {
        var slices = Math.Max(1, (int)Math.Round(plan.Interval / Tick.TotalSeconds));
        var clock = Stopwatch.StartNew();
        long sent = 0;
        var behind = 0.0;
        for (long tick = 0; !stop.IsCancellationRequested; tick++)
        {
            var due = TimeSpan.FromTicks(Tick.Ticks * tick) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, CancellationToken.None);
            }

            behind = Math.Max(behind, -due.TotalMilliseconds);
            var slice = (int)(tick % slices);
            var first = tick < slices;
            var devices = Enumerable.Range(0, (fleet.Count - slice + slices - 1) / slices).Select(k => slice + (k * slices))
                .Where(d => first || !silent.Contains(d)).ToList();
            // Each channel keeps a window of publishes in flight (confirms awaited together), as a fleet of
            // independent terminals would; one at a time per channel would cap the fleet at a few thousand a second.
            await Task.WhenAll(Enumerable.Range(0, lanes.Length).Select(lane => Task.WhenAll(
                devices.Where((_, k) => k % lanes.Length == lane).Select(async d =>
                {
                    await fleet.PublishAsync(lanes[lane], d, fleet.Heartbeat(d, DateTimeOffset.UtcNow), CancellationToken.None);
                    if (first && silent.Contains(d))
                    {
                        Console.WriteLine($"S {fleet.DeviceId(d)} {Now()}");
                    }
                }))));
            sent += devices.Count;
        }

        return (sent, behind);
    }

    private static async Task<int> FaultsAsync(SimulatedFleet fleet, Plan plan, IChannel channel, HashSet<int> silent, CancellationToken stop)
    {
        var burstDevices = plan.BurstStores * SimulatedFleet.TerminalsPerStore;
        // Printer faults on a walk through the fleet that skips burst stores and silenced terminals.
        var candidates = Enumerable.Range(0, fleet.Count).Where(d => d >= burstDevices && !silent.Contains(d))
            .OrderBy(d => (d * 7919L) % fleet.Count).ToList();
        var clears = new List<Task>();
        var clock = Stopwatch.StartNew();
        var published = 0;
        var burstDone = plan.BurstStores == 0;
        for (var k = 0; !stop.IsCancellationRequested && plan.FaultsPerSecond > 0 && k < candidates.Count; k++)
        {
            if (!burstDone && clock.Elapsed.TotalSeconds >= plan.BurstAt)
            {
                burstDone = true;
                clears.Add(BurstAsync(fleet, channel, burstDevices, stop));
                published += burstDevices;
            }

            var due = TimeSpan.FromSeconds((double)k / plan.FaultsPerSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(due, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var d = candidates[k];
            Console.WriteLine($"F {fleet.DeviceId(d)} {Now()}");
            fleet.SetFault(d, "PAPER_OUT");
            await fleet.PublishAsync(channel, d, fleet.Fault(d, "printer", "PAPER_OUT", DateTimeOffset.UtcNow), CancellationToken.None);
            published++;
            clears.Add(ClearLaterAsync(fleet, channel, d, "printer", "PAPER_OUT", TimeSpan.FromSeconds(5), stop));
        }

        await Task.WhenAll(clears);
        return published;
    }

    // A store outage: every terminal of the first stores loses WiFi within one second; back 35 s later.
    private static async Task BurstAsync(SimulatedFleet fleet, IChannel channel, int devices, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        for (var d = 0; d < devices; d++)
        {
            var due = TimeSpan.FromSeconds((double)d / devices) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, CancellationToken.None);
            }

            Console.WriteLine($"B {fleet.DeviceId(d)} {Now()}");
            fleet.SetFault(d, "WIFI_DOWN");
            await fleet.PublishAsync(channel, d, fleet.Fault(d, "network", "WIFI_DOWN", DateTimeOffset.UtcNow), CancellationToken.None);
        }

        await Task.WhenAll(Enumerable.Range(0, devices).Select(d => ClearLaterAsync(fleet, channel, d, "network", "WIFI_DOWN", TimeSpan.FromSeconds(35), stop)));
    }

    // A clear still pending when the step ends is left to the next step's heartbeats (reconciliation), so the
    // process ends with the hold and the fleet never pauses longer than the gap between two steps.
    private static async Task ClearLaterAsync(SimulatedFleet fleet, IChannel channel, int d, string component, string code, TimeSpan after, CancellationToken stop)
    {
        try
        {
            await Task.Delay(after, stop);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        fleet.SetFault(d, null);
        await fleet.PublishAsync(channel, d, fleet.Cleared(d, component, code, DateTimeOffset.UtcNow), CancellationToken.None);
    }

    /// <summary>The generator alone: heartbeats as fast as it can sign and publish them, into a queue nobody reads, then dropped.</summary>
    private static async Task<int> CeilingAsync(string amqp, int terminals, TimeSpan duration)
    {
        var fleet = new SimulatedFleet(terminals);
        var factory = AmqpConnectionProvider.CreateFactory(new RabbitMqOptions { Uri = amqp }, "posops-bench-fleet-ceiling");
        await using var connection = await factory.CreateConnectionAsync();
        var lanes = await Task.WhenAll(Enumerable.Range(0, Lanes).Select(_ => ConfirmedChannelAsync(connection)));
        await AgentExchanges.DeclareAsync(lanes[0], default);
        await lanes[0].QueueDeclareAsync("bench.fleet.ceiling", durable: false, exclusive: false, autoDelete: false,
            new Dictionary<string, object?> { ["x-max-length"] = 10_000, ["x-overflow"] = "drop-head" });
        await lanes[0].QueueBindAsync("bench.fleet.ceiling", PosOps.Contracts.WireNames.HeartbeatExchange, "#");
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(lanes.Select(async (lane, n) =>
        {
            long sent = 0;
            for (var d = n; clock.Elapsed < duration; d = (d + (Lanes * 100)) % terminals)
            {
                var first = d;
                await Task.WhenAll(Enumerable.Range(0, 100).Select(k => fleet.PublishAsync(lane, (first + (k * Lanes)) % terminals,
                    fleet.Heartbeat((first + (k * Lanes)) % terminals, DateTimeOffset.UtcNow), CancellationToken.None)));
                sent += 100;
            }

            return sent;
        }));
        var rate = counts.Sum() / clock.Elapsed.TotalSeconds;
        await lanes[0].QueueDeleteAsync("bench.fleet.ceiling");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CEILING {rate:0}"));
        return 0;
    }

    private static Task<IChannel> ConfirmedChannelAsync(IConnection connection) =>
        connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));

    private static long Now() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10;
}
