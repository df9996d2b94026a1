using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Liveness;

namespace PosOps.IncidentService.Correlation;

/// <summary>
/// Their outage is not many outages (design principle 8): when most of a store's terminals lose network
/// or go silent together, one store incident (its own stream, router/ISP runbook) covers their device
/// incidents, whose alerts are then held back. Several instances may run it: the store stream's
/// version check lets one open the store incident, and linking is idempotent.
/// </summary>
public sealed partial class StoreOutageWatcher(
    IDocumentStore store,
    NpgsqlDataSource dataSource,
    DeviceWriter writer,
    IOptions<CorrelationOptions> options,
    TimeProvider clock,
    DependencyGuard guard,
    ILogger<StoreOutageWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.CheckEverySeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await guard.RunAsync("store-outage-watcher", CheckAsync, stoppingToken);
        }
    }

    /// <summary>One round over every store with connectivity incidents or an open store incident.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        IReadOnlyList<IncidentView> unresolved;
        await using (var session = store.QuerySession())
        {
            string[] codes = [.. FaultCatalogue.ConnectivityCodes, FaultCatalogue.StoreOutage];
            unresolved = await session.Query<IncidentView>()
                .Where(v => v.FaultCode.IsOneOf(codes) && v.Status.IsOneOf(IncidentStatuses.Unresolved))
                .ToListAsync(cancellationToken);
        }

        var byStore = unresolved.Where(v => v.FaultCode != FaultCatalogue.StoreOutage)
            .GroupBy(v => v.StoreId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var open = unresolved.Where(v => v.FaultCode == FaultCatalogue.StoreOutage).ToDictionary(v => v.StoreId, StringComparer.Ordinal);
        var stores = byStore.Keys.Union(open.Keys, StringComparer.Ordinal).ToList();
        if (stores.Count == 0)
        {
            return;
        }

        var sizes = await TerminalCountsAsync(stores, cancellationToken);
        foreach (var storeId in stores)
        {
            var incidents = byStore.GetValueOrDefault(storeId) ?? [];
            var terminals = Math.Max(sizes.GetValueOrDefault(storeId), incidents.Select(i => i.DeviceId).Distinct(StringComparer.Ordinal).Count());
            var threshold = Math.Max(settings.StoreMinTerminals, (int)Math.Ceiling(settings.StoreShare * terminals));
            var devicesOut = incidents.Select(i => i.DeviceId).Distinct(StringComparer.Ordinal).Count();
            if (open.TryGetValue(storeId, out var storeIncident))
            {
                await LinkAsync(incidents, storeIncident.Id, cancellationToken);
                if (devicesOut < threshold)
                {
                    await writer.DecideAsync(StreamIds.Store(storeId),
                        (_, at) => new EndStoreOutage(StreamIds.Store(storeId), storeId, $"{terminals - devicesOut} of {terminals} terminals trade again", at), cancellationToken);
                    LogStoreBack(storeId, devicesOut, terminals);
                }

                continue;
            }

            var together = incidents.Where(i => now - i.RecordedAt <= TimeSpan.FromSeconds(settings.StoreWindowSeconds))
                .Select(i => i.DeviceId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (together.Count < threshold)
            {
                continue;
            }

            var cause = incidents.All(i => i.FaultCode == DeviceDecider.Silent) ? "silent" : "network";
            var opened = await writer.DecideAsync(StreamIds.Store(storeId),
                (_, at) => new DetectStoreOutage(StreamIds.Store(storeId), storeId, cause, together, terminals, Guid.CreateVersion7(at), at), cancellationToken);
            if (opened.OfType<StoreOutageDetected>().FirstOrDefault() is { } detected)
            {
                LogStoreOutage(storeId, together.Count, terminals, cause);
                await LinkAsync(incidents, detected.IncidentId, cancellationToken);
            }
        }
    }

    private async Task LinkAsync(IEnumerable<IncidentView> incidents, Guid storeIncidentId, CancellationToken cancellationToken)
    {
        foreach (var incident in incidents.Where(i => i.CoveredBy is null))
        {
            await writer.DecideAsync(incident.DeviceId, (_, at) => new LinkIncident(incident.DeviceId, incident.Id, storeIncidentId, at), cancellationToken);
        }
    }

    // The registry knows a store's terminals; without one, the devices that ever sent a heartbeat.
    private async Task<Dictionary<string, int>> TerminalCountsAsync(List<string> stores, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            select s.store_id, greatest(
                (select count(*) from {EventStoreSchema.Name}.mt_doc_deviceregistration r where r.data ->> 'StoreId' = s.store_id),
                (select count(*) from {EventStoreSchema.Name}.{LivenessSchema.TableName} l where l.store_id = s.store_id))
            from unnest($1) as s(store_id)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = stores.ToArray() });
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = (int)reader.GetInt64(1);
        }

        return counts;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store outage at {StoreId}: {Out} of {Terminals} terminals lost {Cause} together; one store incident, device alerts held back")]
    private partial void LogStoreOutage(string storeId, int @out, int terminals, string cause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Store {StoreId} trades again: {Out} of {Terminals} terminals still out")]
    private partial void LogStoreBack(string storeId, int @out, int terminals);
}
