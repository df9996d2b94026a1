using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Security;

namespace PosOps.IncidentService.Api;

public static class IncidentsApi
{
    public static IEndpointRouteBuilder MapIncidentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/incidents").WithTags("Incidents").RequireAuthorization(Policies.Read);
        api.MapGet("/", ListAsync).WithName("ListIncidents").WithSummary("Incidents, newest first, optionally by status, device or store");
        api.MapGet("/{id:guid}", GetAsync).WithName("GetIncident").WithSummary("One incident");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<IncidentView>>, ProblemHttpResult>> ListAsync(
        IQuerySession session, System.Security.Claims.ClaimsPrincipal user, string? status, string? device, string? deviceId, string? store, string? storeId,
        CancellationToken cancellationToken, int limit = 100)
    {
        deviceId ??= device;
        storeId ??= store;
        IncidentStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse<IncidentStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
            {
                return TypedResults.Problem(title: $"status must be one of: {string.Join(", ", Enum.GetNames<IncidentStatus>().Select(n => n.ToLowerInvariant()))}", statusCode: StatusCodes.Status400BadRequest);
            }

            wanted = parsed;
        }

        if (limit is < 1 or > 1000)
        {
            return TypedResults.Problem(title: "limit must be 1-1000", statusCode: StatusCodes.Status400BadRequest);
        }

        IQueryable<IncidentView> query = session.Query<IncidentView>();
        if (wanted is { } s)
        {
            query = query.Where(v => v.Status == s);
        }

        if (deviceId is not null)
        {
            query = query.Where(v => v.DeviceId == deviceId);
        }

        if (storeId is not null)
        {
            query = query.Where(v => v.StoreId == storeId);
        }

        if (StoreScope.Of(user) is { } scope)
        {
            var allowed = scope.ToArray();
            query = query.Where(v => allowed.Contains(v.StoreId));
        }

        var list = await query.OrderByDescending(v => v.OpenedAt).Take(limit).ToListAsync(cancellationToken);
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<IncidentView>, NotFound>> GetAsync(IQuerySession session, System.Security.Claims.ClaimsPrincipal user, Guid id, CancellationToken cancellationToken) =>
        await session.LoadAsync<IncidentView>(id, cancellationToken) is { } view && user.Allows(view.StoreId) ? TypedResults.Ok(view) : TypedResults.NotFound();
}
