using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace PosOps.Benchmarks.Fleet;

/// <summary>One reading of the counters a step is measured by: queues, PostgreSQL, CPU of the processes involved.</summary>
public sealed record FleetReading(
    DateTimeOffset At, long HeartbeatsAcked, long HeartbeatDepth, long EdgeDepth, long Rejected, long WalBytes, long EventsInserted, long LivenessWrites,
    double ServicesCpu, double PostgresCpu, double MachineBusy, double MachineTotal);

/// <summary>Reads the broker's management API, PostgreSQL's statistics and /proc, from outside the services.</summary>
public sealed class FleetProbe(HttpClient management, string vhost, string postgres)
{
    private static readonly double ClockTicks = 100.0; // USER_HZ on Linux

    public async Task<FleetReading> ReadAsync()
    {
        var queues = await management.GetFromJsonAsync<JsonElement>($"/api/queues/{Uri.EscapeDataString(vhost)}?columns=name,messages,message_stats");
        long acked = 0, heartbeatDepth = 0, edgeDepth = 0, rejected = 0;
        foreach (var q in queues.EnumerateArray())
        {
            var name = q.GetProperty("name").GetString()!;
            var messages = q.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0;
            if (name.StartsWith("posops.incidents.heartbeat", StringComparison.Ordinal))
            {
                heartbeatDepth += messages;
                acked += q.TryGetProperty("message_stats", out var s) && s.TryGetProperty("ack", out var a) ? a.GetInt64() : 0;
            }
            else if (name == PosOps.Contracts.WireNames.AgentErrorQueue)
            {
                rejected = messages;
            }
            else if (name.StartsWith("posops.incidents.faults", StringComparison.Ordinal))
            {
                edgeDepth += messages;
            }
        }

        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint,
                   coalesce((select n_tup_ins from pg_stat_user_tables where schemaname = 'posops' and relname = 'mt_events'), 0),
                   coalesce((select n_tup_ins + n_tup_upd from pg_stat_user_tables where schemaname = 'posops' and relname = 'device_liveness'), 0),
                   current_setting('data_directory')
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (wal, events, liveness, dataDirectory) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3));
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var (busy, total) = MachineTicks();
        return new FleetReading(DateTimeOffset.UtcNow, acked, heartbeatDepth, edgeDepth, rejected, wal, events, liveness,
            self.TotalProcessorTime.TotalSeconds, PostgresCpu(dataDirectory), busy, total);
    }

    // The postmaster (first line of postmaster.pid) and its children; readable when the benchmark runs as the server's host user or root.
    private static double PostgresCpu(string dataDirectory)
    {
        try
        {
            var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
            double ticks = 0;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { } stat && (pid == postmaster || stat.Parent == postmaster))
                {
                    ticks += stat.Ticks;
                }
            }

            return ticks / ClockTicks;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }

    private static (int Parent, double Ticks)? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            // After the command: state, ppid, ..., utime (field 14 overall, index 11 here), stime (12), cutime (13), cstime (14).
            return (int.Parse(fields[1], CultureInfo.InvariantCulture),
                double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static (double Busy, double Total) MachineTicks()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var idle = cpu[3] + cpu[4];
        return (cpu.Sum() - idle, cpu.Sum());
    }
}
