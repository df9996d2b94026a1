using System.Diagnostics;
using System.Globalization;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;
using Npgsql;
using Severity = PosOps.Contracts.Incidents.Severity;
using PosOps.IncidentService;
using PosOps.IncidentService.Audit;
using PosOps.IncidentService.Incidents;

namespace PosOps.Benchmarks;

/// <summary>
/// Replay speed of one long device stream (time travel, verify, export) next to raw Marten aggregation
/// of the same stream in the same run. Own database on the local PostgreSQL, dropped afterwards.
///   dotnet run -c Release --project tools/PosOps.Benchmarks -- replay [events=100000] [rounds=3]
/// </summary>
public static class ReplayBenchmark
{
    private const string Device = "BENCH-T001";

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var events = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var admin = Environment.GetEnvironmentVariable("POSOPS_POSTGRES") ?? "Host=127.0.0.1;Port=27432;Username=posops;Password=posops;Database=posops";
        var database = "posops_bench_" + Guid.NewGuid().ToString("N")[..8];
        await ExecuteAsync(admin, $"create database {database}");
        var connection = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(connection);
            using var store = DocumentStore.For(options =>
            {
                options.Connection(dataSource);
                EventStoreSchema.ApplyLayout(options);
                options.Projections.Add(new DeviceProjection(), ProjectionLifecycle.Live);
                options.Projections.Add(new EventTallyProjection(), ProjectionLifecycle.Live);
                HashChainSchema.Register(options);
            });
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

            Console.WriteLine($"replay benchmark: one device stream of {events} events (fault, open, clear, resolve, verify, close cycles), PostgreSQL database {database}, best of {rounds}");
            await AppendAsync(store, Math.Min(events, 2000), Device + "-WARMUP");
            var append = Stopwatch.StartNew();
            await AppendAsync(store, events, Device);
            Console.WriteLine($"append with the hash-chain trigger (1000 events per transaction): {events / append.Elapsed.TotalSeconds:0} events/s");

            var timeTravel = new TimeTravel(store, dataSource);
            var verifier = new StreamVerifier(dataSource);
            var history = new EventHistory(dataSource, store);
            var results = new (string Name, Func<Task<long>> Run)[]
            {
                ("raw Marten: FetchStreamAsync (read + deserialize)", async () =>
                {
                    await using var session = store.QuerySession();
                    return (await session.Events.FetchStreamAsync(Device)).Count;
                }),
                ("raw Marten: AggregateStreamAsync to a counter", async () =>
                {
                    await using var session = store.QuerySession();
                    return (await session.Events.AggregateStreamAsync<EventTally>(Device))!.Count;
                }),
                ("replay: AggregateStreamAsync through Device Evolve", async () =>
                {
                    await using var session = store.QuerySession();
                    var device = await session.Events.AggregateStreamAsync<Device>(Device);
                    return device!.FinishedIncidents.Count > 0 ? events : 0;
                }),
                ("time travel: state as of now (GET /state)", async () => (await timeTravel.DeviceAsync(Device, DateTimeOffset.UtcNow, default))!.Version),
                ("verify: recompute the hash chain (GET /verify)", async () => (await verifier.VerifyAsync(Device, default))!.Events),
                ("export: read in the API shape (GET /export)", async () => await history.ReadAsync(new HistoryFilter([Device]), false, default).CountAsync()),
            };

            // Rounds go round-robin over the measurements so drift on a shared machine hits them alike; best round counts.
            var best = new double[results.Length];
            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < results.Length; i++)
                {
                    best[i] = Math.Max(best[i], await RateAsync(results[i].Run, events));
                }
            }

            // What the hash chain costs on the write path: the same appends with the trigger switched off.
            await ExecuteAsync(connection, $"alter table {EventStoreSchema.Name}.mt_events disable trigger mt_events_hash_chain");
            var plain = Stopwatch.StartNew();
            await AppendAsync(store, events, Device + "-PLAIN");
            Console.WriteLine($"append without the trigger (same batches):                  {events / plain.Elapsed.TotalSeconds:0} events/s");
            await ExecuteAsync(connection, $"alter table {EventStoreSchema.Name}.mt_events enable trigger mt_events_hash_chain");

            var baseline = best[1];
            for (var i = 0; i < results.Length; i++)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{results[i].Name,-55} {best[i],10:0} events/s  ({best[i] / baseline:0.00} x raw aggregation)"));
            }

            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"drop database if exists {database} with (force)");
        }
    }

    private static async Task<double> RateAsync(Func<Task<long>> run, int expected)
    {
        var watch = Stopwatch.StartNew();
        var count = await run();
        return count == expected ? expected / watch.Elapsed.TotalSeconds : throw new InvalidOperationException($"expected {expected} events, saw {count}");
    }

    private static async Task AppendAsync(IDocumentStore store, int events, string stream)
    {
        var all = Cycle().Take(events).ToList();
        for (var done = 0; done < all.Count; done += 1000)
        {
            await using var session = store.LightweightSession();
            session.Events.Append(stream, all.Skip(done).Take(1000).Cast<object>().ToArray());
            await session.SaveChangesAsync();
        }
    }

    /// <summary>The guide's lifecycle over and over, each incident verified and closed.</summary>
    private static IEnumerable<IDeviceEvent> Cycle()
    {
        var at = DateTimeOffset.UtcNow.AddDays(-30);
        for (long sequence = 1; ; sequence += 2)
        {
            var incident = Guid.CreateVersion7(at);
            yield return new FaultDetected(Device, "BENCH", "printer", "PAPER_OUT", Severity.Degraded, Guid.CreateVersion7(at), sequence, at);
            yield return new IncidentOpened(Device, incident, "BENCH", "printer", "PAPER_OUT", Severity.Degraded, at);
            yield return new FaultCleared(Device, "printer", "PAPER_OUT", Guid.CreateVersion7(at), sequence + 1, at.AddSeconds(30));
            yield return new IncidentResolved(Device, incident, "BENCH", "PAPER_OUT", "fault cleared", at.AddSeconds(30));
            yield return new IncidentVerified(Device, incident, at.AddMinutes(5));
            yield return new IncidentClosed(Device, incident, "ops", at.AddMinutes(6));
            at = at.AddMinutes(7);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The baseline aggregate: Marten's read, deserialize and apply loop with next to no work per event.</summary>
    public sealed record EventTally(string Id, long Count);

    private sealed class EventTallyProjection : SingleStreamProjection<EventTally, string>
    {
        public override EventTally Evolve(EventTally? snapshot, string id, IEvent e) => new(id, (snapshot?.Count ?? 0) + 1);
    }
}
