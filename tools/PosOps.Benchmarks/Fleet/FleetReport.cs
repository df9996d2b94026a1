using System.Globalization;

namespace PosOps.Benchmarks.Fleet;

/// <summary>Prints a step as it finishes, and the table of all steps at the end.</summary>
public static class FleetReport
{
    public static void PrintStep(FleetStepResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
              heartbeats offered {r.Offered:0}/s, taken in {r.TakenIn:0}/s ({r.TakenIn / r.RawRate:0.00}x raw), queue depth at the end {r.LagAtEnd}, rejected to the error queue {r.Rejected}; fleet process at most {r.GeneratorBehindMs:0} ms behind its schedule
              liveness (heartbeat published -> liveness row written) p50 {r.LivenessP50:0.0} ms, p99 {r.LivenessP99:0.0} ms
              silent detection (last heartbeat -> DEVICE_SILENT opened) {r.SilentDetected}/{r.Silenced}, p50 {r.SilentP50:0.00} s, p99 {r.SilentP99:0.00} s against {r.Threshold:0} s; beating terminals called silent: {r.FalseSilent}
              fault published -> webhook received {r.FaultsAlerted}/{r.Faults}, p50 {r.FaultP50:0.0} ms, p99 {r.FaultP99:0.0} ms, max {r.FaultMax:0.0} ms; store outages alerted {r.StoreAlerts}/{r.BurstStores} (last {r.BurstMax / 1000:0.0} s after the burst began)
              of which fault published -> incident-opened event left IncidentService: p50 {r.OpenedP50:0.0} ms, p99 {r.OpenedP99:0.0} ms; fault-edge queue depth at the end {r.EdgeDepthAtEnd}
              written: {r.EventsPerSecond:0} events/s, {r.LivenessWritesPerSecond:0} liveness rows/s, {r.WalPerHeartbeat:0} WAL bytes per heartbeat
              CPU s: services {r.ServicesCpu:0.0}, PostgreSQL {r.PostgresCpu:0.0}, fleet process {r.GeneratorCpu:0.0}; machine busy {r.MachineBusyPercent:0} %; peak RSS services {r.ServicesPeakRss / 1048576} MiB, fleet process {r.GeneratorPeakRss / 1048576} MiB{(r.Lost ? "  ** SOMETHING WAS LOST **" : "")}
            """));
    }

    public static void PrintTable(IReadOnlyList<FleetStepResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        Console.WriteLine();
        Console.WriteLine("| terminals | hb/s in | x raw | depth end | liveness p50/p99 ms | silent p50/p99 s (threshold) | false silent | fault→webhook p50/p99/max ms | faults alerted | store alerts | events/s | WAL B/hb | CPU s svc/pg/fleet | busy % | RSS MiB svc |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Terminals} | {r.TakenIn:0} | {r.TakenIn / r.RawRate:0.00} | {r.LagAtEnd} | {r.LivenessP50:0}/{r.LivenessP99:0} | {r.SilentP50:0.0}/{r.SilentP99:0.0} ({r.Threshold:0}) | {r.FalseSilent} | {r.FaultP50:0.0}/{r.FaultP99:0.0}/{r.FaultMax:0} | {r.FaultsAlerted}/{r.Faults} | {r.StoreAlerts}/{r.BurstStores} | {r.EventsPerSecond:0} | {r.WalPerHeartbeat:0} | {r.ServicesCpu:0}/{r.PostgresCpu:0}/{r.GeneratorCpu:0} | {r.MachineBusyPercent:0} | {r.ServicesPeakRss / 1048576} |"));
        }
    }
}
