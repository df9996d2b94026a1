using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Security;
using PosOps.IncidentService.Fleet;

namespace PosOps.IncidentService.Api;

/// <summary>One store in the fleet overview: its terminals by trading status, and its own outage if any.</summary>
public sealed record StoreOverview(string StoreId, int Ok, int Degraded, int Down, int Silent, TradingStatus Status, Guid? StoreIncidentId);

/// <summary>The fleet by store and status (read from the DeviceStatus projection).</summary>
public sealed record FleetOverview(int Terminals, int Ok, int Degraded, int Down, int Silent, IReadOnlyList<StoreOverview> Stores);

/// <summary>Mean time to acknowledge and to resolve, per fault kind and store, over the incidents opened in a range.</summary>
public sealed record ResponseTimes(string FaultCode, string StoreId, int Incidents, int Acknowledged, int Resolved, double? MttaSeconds, double? MttrSeconds);

public static class FleetApi
{
    public static IEndpointRouteBuilder MapFleetApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Fleet").RequireAuthorization(Policies.Read);
        api.MapGet("/fleet", OverviewAsync).WithName("FleetOverview").WithSummary("Terminals by store and trading status (green/amber/red)");
        api.MapGet("/device-status/{id}", async Task<Results<Ok<DeviceStatus>, NotFound>> (string id, IQuerySession session, ClaimsPrincipal user, CancellationToken ct) =>
            await session.LoadAsync<DeviceStatus>(id, ct) is { } status && user.Allows(status.StoreId) ? TypedResults.Ok(status) : TypedResults.NotFound()).WithName("DeviceStatus");
        api.MapGet("/stats/response-times", ResponseTimesAsync).WithName("ResponseTimes").WithSummary("MTTA and MTTR per fault kind and store");
        return app;
    }

    public static async Task<Ok<FleetOverview>> OverviewAsync(IQuerySession session, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var statuses = (await session.Query<DeviceStatus>().ToListAsync(cancellationToken)).Where(s => StreamIds.IsTerminal(s.Id) && user.Allows(s.StoreId)).ToList();
        var outages = await session.Query<IncidentView>()
            .Where(v => v.FaultCode == FaultCatalogue.StoreOutage && v.Status.IsOneOf(IncidentStatuses.Unresolved))
            .ToListAsync(cancellationToken);
        var stores = statuses.GroupBy(s => s.StoreId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var outage = outages.FirstOrDefault(o => o.StoreId == g.Key);
            var worst = outage is not null ? TradingStatus.Down : g.Max(s => s.Status);
            return new StoreOverview(g.Key, Count(g, TradingStatus.Ok), Count(g, TradingStatus.Degraded), Count(g, TradingStatus.Down), Count(g, TradingStatus.Silent), worst, outage?.Id);
        }).ToList();
        return TypedResults.Ok(new FleetOverview(statuses.Count, Count(statuses, TradingStatus.Ok), Count(statuses, TradingStatus.Degraded),
            Count(statuses, TradingStatus.Down), Count(statuses, TradingStatus.Silent), stores));
    }

    public static async Task<Ok<IReadOnlyList<ResponseTimes>>> ResponseTimesAsync(
        IQuerySession session, ClaimsPrincipal user, string? storeId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var since = from ?? DateTimeOffset.MinValue;
        var until = to ?? DateTimeOffset.MaxValue;
        var query = session.Query<IncidentView>().Where(v => v.RecordedAt >= since && v.RecordedAt <= until);
        if (storeId is { Length: > 0 })
        {
            query = query.Where(v => v.StoreId == storeId);
        }

        var incidents = (await query.ToListAsync(cancellationToken)).Where(v => user.Allows(v.StoreId));
        return TypedResults.Ok<IReadOnlyList<ResponseTimes>>([.. ResponseTimesOf(incidents)]);
    }

    /// <summary>Pure: MTTA from opened (server time) to acknowledged, MTTR from opened to resolved.</summary>
    public static IEnumerable<ResponseTimes> ResponseTimesOf(IEnumerable<IncidentView> incidents) =>
        incidents.GroupBy(v => (v.FaultCode, v.StoreId)).OrderBy(g => g.Key.FaultCode, StringComparer.Ordinal).ThenBy(g => g.Key.StoreId, StringComparer.Ordinal).Select(g =>
        {
            var acked = g.Where(v => v.AcknowledgedAt is not null).Select(v => (v.AcknowledgedAt!.Value - v.RecordedAt).TotalSeconds).ToList();
            var resolved = g.Where(v => v.ResolvedAt is not null || v.VerifiedAt is not null)
                .Select(v => ((v.ResolvedAt ?? v.VerifiedAt)!.Value - v.OpenedAt).TotalSeconds).ToList();
            return new ResponseTimes(g.Key.FaultCode, g.Key.StoreId, g.Count(), acked.Count, resolved.Count,
                acked.Count == 0 ? null : Math.Round(acked.Average(), 1), resolved.Count == 0 ? null : Math.Round(resolved.Average(), 1));
        });

    private static int Count(IEnumerable<DeviceStatus> statuses, TradingStatus status) => statuses.Count(s => s.Status == status);
}
