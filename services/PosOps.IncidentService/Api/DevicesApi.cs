using System.Text.Json.Serialization;
using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using PosOps.Contracts.Agent;
using PosOps.IncidentService.Audit;
using PosOps.IncidentService.Liveness;
using PosOps.IncidentService.Registry;
using PosOps.IncidentService.Security;

namespace PosOps.IncidentService.Api;

/// <summary>A device's last known health with its registry entry (model, serial, location; never its key).</summary>
public sealed record DeviceDetails(
    string DeviceId, string StoreId, long Sequence, DateTimeOffset LastHeartbeatAt, DateTimeOffset LastSeenAt, Heartbeat Health,
    string? Model, string? Serial, string? Location);

/// <summary>A page of a device's stream; ask again with afterVersion = nextAfterVersion until it is null.</summary>
public sealed record DeviceEventsPage(string DeviceId, IReadOnlyList<HistoryEvent> Events, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? NextAfterVersion);

public static class DevicesApi
{
    public const int MaxPage = 5000;

    public static IEndpointRouteBuilder MapDevicesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/devices").WithTags("Devices").RequireAuthorization(Policies.Read);
        api.MapGet("/", ListAsync).WithName("ListDevices").WithSummary("Last known health of each device (in the caller's stores)");
        var device = api.MapGroup("/{id}").AddEndpointFilter<DeviceScopeFilter>();
        device.MapGet("", GetAsync).WithName("GetDevice").WithSummary("Last known health and registry entry of one device");
        device.MapGet("/events", EventsAsync).WithName("GetDeviceEvents")
            .WithSummary("The device's event stream, oldest first, paged (afterVersion, limit) and filtered by type (comma list) and recorded-at range [from, to)");
        return app;
    }

    private static async Task<Ok<IReadOnlyList<DeviceLiveness>>> ListAsync(
        DeviceLivenessQueries queries, ClaimsPrincipal user, string? store, string? storeId, CancellationToken cancellationToken, int limit = 1000)
    {
        var wanted = store ?? storeId;
        limit = Math.Clamp(limit, 1, 10_000);
        if (StoreScope.Of(user) is not { } scope)
        {
            return TypedResults.Ok(await queries.ListAsync(wanted, limit, cancellationToken));
        }

        var devices = new List<DeviceLiveness>();
        foreach (var allowed in scope.Where(s => wanted is null || s == wanted).Order(StringComparer.Ordinal))
        {
            devices.AddRange(await queries.ListAsync(allowed, limit - devices.Count, cancellationToken));
            if (devices.Count >= limit)
            {
                break;
            }
        }

        return TypedResults.Ok<IReadOnlyList<DeviceLiveness>>(devices);
    }

    private static async Task<Results<Ok<DeviceDetails>, NotFound>> GetAsync(DeviceLivenessQueries queries, IQuerySession session, string id, CancellationToken cancellationToken)
    {
        if (await queries.FindAsync(id, cancellationToken) is not { } device)
        {
            return TypedResults.NotFound();
        }

        var registration = await session.LoadAsync<DeviceRegistration>(id, cancellationToken);
        return TypedResults.Ok(new DeviceDetails(device.DeviceId, device.StoreId, device.Sequence, device.LastHeartbeatAt, device.LastSeenAt, device.Health,
            registration?.Model, registration?.Serial, registration?.Location));
    }

    private static async Task<Results<Ok<DeviceEventsPage>, NotFound, ProblemHttpResult>> EventsAsync(
        EventHistory history, string id, string? type, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken, long afterVersion = 0, int limit = 1000)
    {
        if (limit is < 1 or > MaxPage)
        {
            return TypedResults.Problem(title: $"limit must be 1-{MaxPage}", statusCode: StatusCodes.Status400BadRequest);
        }

        var filter = new HistoryFilter([id], Math.Max(0, afterVersion), HistoryFilter.ParseTypes(type), from, to, limit + 1);
        var events = await history.ReadAsync(filter, withDeviceId: false, cancellationToken).ToListAsync(cancellationToken);
        if (events.Count == 0 && await history.CountAsync(new HistoryFilter([id]), cancellationToken) == 0)
        {
            return TypedResults.NotFound();
        }

        var more = events.Count > limit;
        if (more)
        {
            events.RemoveAt(events.Count - 1);
        }

        return TypedResults.Ok(new DeviceEventsPage(id, events, more ? events[^1].Version : null));
    }
}
