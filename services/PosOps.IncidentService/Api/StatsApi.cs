using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Liveness;
using PosOps.IncidentService.Security;

namespace PosOps.IncidentService.Api;

/// <summary>Devices known by their heartbeats, per store, and how many of them are silent now.</summary>
public sealed record StoreDeviceCounts(string StoreId, int Devices, int Silent);

/// <summary>Incidents not yet closed, by status and by store.</summary>
public sealed record IncidentCounts(IReadOnlyDictionary<string, int> ByStatus, IReadOnlyDictionary<string, int> OpenByStore);

/// <summary>GET /api/stats: fleet counts now, plus whatever <see cref="IStatsSection"/>s are registered (MTTA/MTTR).</summary>
public sealed record FleetStats(
    DateTimeOffset At,
    int Devices,
    int SilentDevices,
    IReadOnlyList<StoreDeviceCounts> Stores,
    IncidentCounts Incidents,
    IReadOnlyDictionary<string, object?> Sections);

/// <summary>
/// The seam for more statistics: register an implementation in DI (e.g. MTTA/MTTR from its projection)
/// and it appears in /api/stats under <see cref="Name"/>. <c>stores</c> is the caller's scope (null = all).
/// </summary>
public interface IStatsSection
{
    string Name { get; }

    Task<object?> ComputeAsync(IReadOnlySet<string>? stores, CancellationToken cancellationToken);
}

public static class StatsApi
{
    private const string DeviceSql = $"""
        select store_id, count(*)::int, count(*) filter (where silent_since is not null)::int
        from {EventStoreSchema.Name}.{LivenessSchema.TableName} group by store_id order by store_id
        """;

    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stats", GetAsync).WithTags("Stats").RequireAuthorization(Policies.Read).WithName("GetStats")
            .WithSummary("Fleet counts now (devices, silent devices, incidents by status and store) and registered sections such as MTTA/MTTR");
        return app;
    }

    private static async Task<Ok<FleetStats>> GetAsync(
        NpgsqlDataSource dataSource, IQuerySession session, IEnumerable<IStatsSection> sections, TimeProvider clock, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var scope = StoreScope.Of(user);
        var stores = new List<StoreDeviceCounts>();
        await using (var command = dataSource.CreateCommand(DeviceSql))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var store = new StoreDeviceCounts(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2));
                if (scope is null || scope.Contains(store.StoreId))
                {
                    stores.Add(store);
                }
            }
        }

        var notClosed = session.Query<IncidentView>().Where(v => v.Status != IncidentStatus.Closed);
        if (scope is not null)
        {
            var allowed = scope.ToArray();
            notClosed = notClosed.Where(v => allowed.Contains(v.StoreId));
        }

        // Only the two fields are read: the list stays small even with many incidents.
        var active = await notClosed.Select(v => new { v.Status, v.StoreId }).ToListAsync(cancellationToken);
        var byStatus = Enum.GetValues<IncidentStatus>().Where(s => s != IncidentStatus.Closed)
            .ToDictionary(s => s.ToString().ToLowerInvariant(), s => active.Count(a => a.Status == s));
        var openByStore = active.Where(a => a.Status is not (IncidentStatus.Verified or IncidentStatus.Resolved))
            .GroupBy(a => a.StoreId).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());

        var extra = new Dictionary<string, object?>();
        foreach (var section in sections)
        {
            extra[section.Name] = await section.ComputeAsync(scope, cancellationToken);
        }

        return TypedResults.Ok(new FleetStats(clock.GetUtcNow(), stores.Sum(s => s.Devices), stores.Sum(s => s.Silent), stores,
            new IncidentCounts(byStatus, openByStore), extra));
    }
}
