using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace PosOps.Benchmarks.Fleet;

/// <summary>What one step measured (times in ms unless named in s).</summary>
public sealed record FleetStepResult(
    int Terminals, double Offered, double TakenIn, long LagAtEnd, double LivenessP50, double LivenessP99,
    int Silenced, int SilentDetected, double SilentP50, double SilentP99, double Threshold, int FalseSilent,
    int Faults, int FaultsAlerted, double FaultP50, double FaultP99, double FaultMax, int BurstStores, int StoreAlerts, double BurstMax,
    double EventsPerSecond, double LivenessWritesPerSecond, double WalPerHeartbeat, double ServicesCpu, double PostgresCpu, double GeneratorCpu,
    double MachineBusyPercent, long ServicesPeakRss, long GeneratorPeakRss, double GeneratorBehindMs, double RawRate, long Rejected,
    double OpenedP50, double OpenedP99, long EdgeDepthAtEnd)
{
    /// <summary>Anything lost: a fault without its alert, a silence not detected, a beating terminal called silent, a store outage not alerted.</summary>
    public bool Lost => Rejected > 0 || FaultsAlerted < Faults || SilentDetected < Silenced || FalseSilent > 0 || StoreAlerts < BurstStores;
}

/// <summary>One step: the fleet process runs for the hold, then the step waits for the last alerts and reads the counters.</summary>
public sealed class FleetStep(FleetServices services, FleetProbe probe, string postgres)
{
    public async Task<FleetStepResult> RunAsync(FleetAgents.Plan plan, double thresholdSeconds, double rawRate)
    {
        var faults = new ConcurrentDictionary<string, long>();
        var burst = new ConcurrentDictionary<string, long>();
        var silent = new ConcurrentDictionary<string, long>();
        string? end = null;
        var before = await probe.ReadAsync();
        var start = FleetServices.Now();
        using var agents = Launch(plan);
        agents.OutputDataReceived += (_, line) =>
        {
            var parts = line.Data?.Split(' ');
            switch (parts)
            {
                case ["F", var device, var at]: faults[device] = long.Parse(at, CultureInfo.InvariantCulture); break;
                case ["B", var device, var at]: burst[device] = long.Parse(at, CultureInfo.InvariantCulture); break;
                case ["S", var device, var at]: silent[device] = long.Parse(at, CultureInfo.InvariantCulture); break;
                case ["END", ..]: end = line.Data; break;
            }
        };
        agents.BeginOutputReadLine();
        await agents.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(plan.Seconds + 120)).Token);
        var atEnd = await probe.ReadAsync();

        // The last alerts of the step: every fault's opening, every store's outage, every silence.
        var wait = Stopwatch.StartNew();
        while (wait.Elapsed < TimeSpan.FromSeconds(20)
            && (faults.Keys.Any(d => Alerted(d, faults[d]) is null)
                || (await SilencesAsync(start)).Count < silent.Count))
        {
            await Task.Delay(200);
        }

        var after = await probe.ReadAsync();
        var fault = faults.Select(f => Alerted(f.Key, f.Value) - f.Value).OfType<long>().Select(us => us / 1000.0).Order().ToList();
        // Where the time goes: fault published → its incident-opened integration event left IncidentService (the tap).
        var opened = faults.Select(f => new[] { First(services.Opened, (f.Key, "PAPER_OUT"), f.Value) }.Min() - f.Value).OfType<long>().Select(us => us / 1000.0).Order().ToList();
        var silences = await SilencesAsync(start);
        var silence = silent.Where(s => silences.ContainsKey(s.Key)).Select(s => (silences[s.Key] - s.Value) / 1e6).Order().ToList();
        var falseSilent = silences.Keys.Count(d => !silent.ContainsKey(d));
        var burstStart = burst.IsEmpty ? 0 : burst.Values.Min();
        var stores = burst.Keys.Select(SimulatedFleet.StoreOf).Distinct().ToList();
        // A store outage alert names the store where a device alert names the device.
        var storeAlerts = stores.Select(s => First(services.Webhooks, (s, "store.outage.detected", "STORE_OUTAGE"), burstStart) - burstStart)
            .OfType<long>().Select(us => us / 1000.0).Order().ToList();
        var (liveP50, liveP99) = await LivenessAsync(start + (long)(plan.Interval * 1e6), start + (long)(plan.Seconds * 1e6));
        var generator = Parse(end);
        var heartbeats = after.HeartbeatsAcked - before.HeartbeatsAcked;
        return new FleetStepResult(
            plan.Terminals, generator.GetValueOrDefault("heartbeats") / plan.Seconds, (atEnd.HeartbeatsAcked - before.HeartbeatsAcked) / plan.Seconds, atEnd.HeartbeatDepth,
            liveP50, liveP99, silent.Count, silence.Count, FleetBaselines.Percentile(silence, 0.5), FleetBaselines.Percentile(silence, 0.99), thresholdSeconds, falseSilent,
            faults.Count, fault.Count, FleetBaselines.Percentile(fault, 0.5), FleetBaselines.Percentile(fault, 0.99), fault.Count == 0 ? double.NaN : fault[^1],
            stores.Count, storeAlerts.Count, storeAlerts.Count == 0 ? double.NaN : storeAlerts[^1],
            (after.EventsInserted - before.EventsInserted) / (after.At - before.At).TotalSeconds, (atEnd.LivenessWrites - before.LivenessWrites) / plan.Seconds,
            heartbeats == 0 ? double.NaN : (double)(atEnd.WalBytes - before.WalBytes) / (atEnd.HeartbeatsAcked - before.HeartbeatsAcked),
            atEnd.ServicesCpu - before.ServicesCpu, atEnd.PostgresCpu - before.PostgresCpu, generator.GetValueOrDefault("cpu"),
            100 * (atEnd.MachineBusy - before.MachineBusy) / (atEnd.MachineTotal - before.MachineTotal),
            Process.GetCurrentProcess().PeakWorkingSet64, (long)generator.GetValueOrDefault("peakRss"), generator.GetValueOrDefault("behindMaxMs"), rawRate, after.Rejected - before.Rejected,
            FleetBaselines.Percentile(opened, 0.5), FleetBaselines.Percentile(opened, 0.99), atEnd.EdgeDepth);
    }

    /// <summary>DEVICE_SILENT incidents opened (or reopened, for a terminal silenced in an earlier step too) since <paramref name="sinceMicros"/>: device → when recorded (server clock, Unix µs).</summary>
    private async Task<Dictionary<string, long>> SilencesAsync(long sinceMicros)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select stream_id, min((extract(epoch from timestamp) * 1e6)::bigint) from posops.mt_events
            where type in ('incident_opened', 'incident_reopened') and coalesce(data ->> 'faultCode', data ->> 'FaultCode') = 'DEVICE_SILENT' and timestamp >= to_timestamp($1 / 1e6)
            group by stream_id
            """, connection);
        command.Parameters.AddWithValue(sinceMicros);
        var found = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            found[reader.GetString(0)] = reader.GetInt64(1);
        }

        return found;
    }

    // A printer fault opens an incident, or reopens the device's earlier one while its follow-up check still runs.
    private long? Alerted(string device, long after) =>
        new[] { First(services.Webhooks, (device, "incident.opened", "PAPER_OUT"), after), First(services.Webhooks, (device, "incident.reopened", "PAPER_OUT"), after) }.Min();

    private static long? First<TKey>(ConcurrentDictionary<TKey, ConcurrentQueue<long>> arrivals, TKey key, long after)
        where TKey : notnull =>
        arrivals.TryGetValue(key, out var times) && times.Where(t => t >= after).DefaultIfEmpty(-1).Min() is var first && first >= 0 ? first : null;

    // Heartbeat published (its occurredAt, stamped by the fleet process) → liveness row written (last_seen_at), steady state only.
    private async Task<(double P50, double P99)> LivenessAsync(long fromMicros, long toMicros)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select coalesce(percentile_disc(0.5) within group (order by ms), 'NaN'), coalesce(percentile_disc(0.99) within group (order by ms), 'NaN')
            from (select extract(epoch from last_seen_at - last_heartbeat_at) * 1000 as ms from posops.device_liveness
                  where last_heartbeat_at between to_timestamp($1 / 1e6) and to_timestamp($2 / 1e6)) l
            """, connection);
        command.Parameters.AddWithValue(fromMicros);
        command.Parameters.AddWithValue(toMicros);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (Convert.ToDouble(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToDouble(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    private static Dictionary<string, double> Parse(string? end) =>
        (end ?? "").Split(' ').Select(p => p.Split('=')).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));

    /// <summary>The fleet in its own process: the same benchmark assembly in its `fleet-agents` mode.</summary>
    public static Process Launch(FleetAgents.Plan plan) => Launch(plan.Arguments());

    public static Process Launch(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in (string[])["exec", typeof(FleetAgents).Assembly.Location, .. arguments])
        {
            start.ArgumentList.Add(a);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("the fleet process did not start");
    }
}
