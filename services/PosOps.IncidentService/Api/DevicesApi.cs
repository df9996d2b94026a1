using System.Text.Json.Serialization;
using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using PosOps.Contracts.Agent;
using PosOps.IncidentService.Audit;
using PosOps.IncidentService.Fleet;
using PosOps.IncidentService.Liveness;
using PosOps.IncidentService.Registry;
using PosOps.IncidentService.Security;

namespace PosOps.IncidentService.Api;

/// <summary>A device's last known health with its registry entry (model, serial, location; never its key).</summary>
public sealed record DeviceDetails(
    string DeviceId, string StoreId, long Sequence, DateTimeOffset LastHeartbeatAt, DateTimeOffset LastSeenAt, Heartbeat Health,
    string? Model, string? Serial, string? Location);

/// <summary>A device in the list: what it can do now (from its incidents) and its last known health.</summary>
public sealed record DeviceListEntry(string DeviceId, string StoreId, TradingStatus Status, long Sequence, DateTimeOffset LastHeartbeatAt, DateTimeOffset LastSeenAt, Heartbeat Health);

/// <summary>A page of a device's stream; ask again with afterVersion = nextAfterVersion until it is null.</summary>
public sealed record DeviceEventsPage(string DeviceId, IReadOnlyList<HistoryEvent> Events, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? NextAfterVersion);

public static class DevicesApi
{
    public const int MaxPage = 5000;

    public static IEndpointRouteBuilder MapDevicesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/devices").WithTags("Devices").RequireAuthorization(Policies.Read);
        api.MapGet("/", ListAsync).WithName("ListDevices")
            .WithSummary("Last known health of each device (in the caller's stores), optionally by store and by trading status (ok, degraded, down, silent)");
        var device = api.MapGroup("/{id}").AddEndpointFilter<DeviceScopeFilter>();
        device.MapGet("", GetAsync).WithName("GetDevice").WithSummary("Last known health and registry entry of one device");
        device.MapGet("/events", EventsAsync).WithName("GetDeviceEvents")
            .WithSummary("The device's event stream, oldest first, paged (afterVersion, limit) and filtered by type (comma list) and recorded-at range [from, to)");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<DeviceListEntry>>, ProblemHttpResult>> ListAsync(
        DeviceLivenessQueries queries, IQuerySession session, ClaimsPrincipal user, string? store, string? storeId, string? status, CancellationToken cancellationToken, int limit = 1000)
    {
        var wanted = store ?? storeId;
        limit = Math.Clamp(limit, 1, 10_000);
        DeviceSet? only = null;
        TradingStatus? filtered = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!TradingStatuses.TryParse(status, out var trading))
            {
                return TypedResults.Problem(title: $"status must be one of: {string.Join(", ", TradingStatuses.Names)}", statusCode: StatusCodes.Status400BadRequest);
            }

            var (ids, include) = await TradingStatuses.DevicesAsync(session, trading, cancellationToken);
            only = new DeviceSet(ids, include);
            filtered = trading;
        }

        if (StoreScope.Of(user) is not { } scope)
        {
            return TypedResults.Ok(await WithStatusAsync(session, await queries.ListAsync(wanted, limit, cancellationToken, only), filtered, cancellationToken));
        }

        var devices = new List<DeviceLiveness>();
        foreach (var allowed in scope.Where(s => wanted is null || s == wanted).Order(StringComparer.Ordinal))
        {
            devices.AddRange(await queries.ListAsync(allowed, limit - devices.Count, cancellationToken, only));
            if (devices.Count >= limit)
            {
                break;
            }
        }

        return TypedResults.Ok(await WithStatusAsync(session, devices, filtered, cancellationToken));
    }

    /// <param name="filtered">The status the list was filtered by: every device in it has that status (no second read that could disagree).</param>
    private static async Task<IReadOnlyList<DeviceListEntry>> WithStatusAsync(
        IQuerySession session, IReadOnlyList<DeviceLiveness> devices, TradingStatus? filtered, CancellationToken cancellationToken)
    {
        var statuses = filtered is { } status
            ? devices.ToDictionary(d => d.DeviceId, _ => status, StringComparer.Ordinal)
            : (await session.LoadManyAsync<DeviceStatus>(cancellationToken, devices.Select(d => d.DeviceId))).ToDictionary(s => s.Id, s => s.Status, StringComparer.Ordinal);
        return [.. devices.Select(d => new DeviceListEntry(d.DeviceId, d.StoreId, statuses.GetValueOrDefault(d.DeviceId, TradingStatus.Ok), d.Sequence, d.LastHeartbeatAt, d.LastSeenAt, d.Health))];
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
