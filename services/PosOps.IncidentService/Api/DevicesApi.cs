using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using PosOps.IncidentService.Liveness;

namespace PosOps.IncidentService.Api;

/// <summary>One stored event as auditors see it: both clocks, version and type.</summary>
public sealed record DeviceEventEntry(long Version, long Sequence, Guid Id, string Type, DateTimeOffset RecordedAt, object Data);

public static class DevicesApi
{
    public static IEndpointRouteBuilder MapDevicesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/devices").WithTags("Devices");
        api.MapGet("/", ListAsync).WithName("ListDevices").WithSummary("Last known health of each device");
        api.MapGet("/{id}", GetAsync).WithName("GetDevice").WithSummary("Last known health of one device");
        api.MapGet("/{id}/events", EventsAsync).WithName("GetDeviceEvents").WithSummary("The device's event stream, oldest first");
        return app;
    }

    private static async Task<Ok<IReadOnlyList<DeviceLiveness>>> ListAsync(DeviceLivenessQueries queries, string? storeId, CancellationToken cancellationToken, int limit = 1000) =>
        TypedResults.Ok(await queries.ListAsync(storeId, Math.Clamp(limit, 1, 10_000), cancellationToken));

    private static async Task<Results<Ok<DeviceLiveness>, NotFound>> GetAsync(DeviceLivenessQueries queries, string id, CancellationToken cancellationToken) =>
        await queries.FindAsync(id, cancellationToken) is { } device ? TypedResults.Ok(device) : TypedResults.NotFound();

    private static async Task<Results<Ok<IReadOnlyList<DeviceEventEntry>>, NotFound>> EventsAsync(IQuerySession session, string id, CancellationToken cancellationToken)
    {
        var events = await session.Events.FetchStreamAsync(id, token: cancellationToken);
        if (events.Count == 0)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok<IReadOnlyList<DeviceEventEntry>>(
            [.. events.Select(e => new DeviceEventEntry(e.Version, e.Sequence, e.Id, e.EventTypeName, e.Timestamp, e.Data))]);
    }
}
