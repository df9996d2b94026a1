using System.Text.Json.Serialization;
using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using PosOps.IncidentService.Audit;
using PosOps.IncidentService.Registry;
using PosOps.IncidentService.Security;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Api;

/// <summary>The outcome of GET /api/devices/{id}/verify.</summary>
public sealed record VerifyResult(
    string StreamId,
    long Events,
    bool Valid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? FirstBrokenVersion,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Reason);

/// <summary>What auditors do: state as of an instant, export, verify.</summary>
public static class AuditApi
{
    public const string EventCountHeader = "X-PosOps-Event-Count";

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var device = app.MapGroup("/api/devices/{id}").WithTags("Audit").AddEndpointFilter<DeviceScopeFilter>();
        device.MapGet("/state", StateAsync).RequireAuthorization(Policies.Read).WithName("GetDeviceStateAt")
            .WithSummary("The device's state rebuilt from its stream as of an instant (server recorded-at clock)");
        device.MapGet("/export", ExportDeviceAsync).RequireAuthorization(Policies.Audit).WithName("ExportDevice")
            .WithSummary("The device's history as CSV or JSON, streamed, optionally within a recorded-at range [from, to)")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv").Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status400BadRequest);
        device.MapGet("/verify", VerifyAsync).RequireAuthorization(Policies.Audit).WithName("VerifyDevice")
            .WithSummary("Recompute the stream's hash chain; names the first broken version");
        app.MapGet("/api/stores/{id}/export", ExportStoreAsync).RequireAuthorization(Policies.Audit).WithTags("Audit").WithName("ExportStore")
            .WithSummary("Every device's history in the store (and the store's own stream), CSV or JSON, streamed")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv").Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<Results<Ok<DeviceStateAt>, NotFound, ProblemHttpResult>> StateAsync(TimeTravel timeTravel, string id, string? at, CancellationToken cancellationToken)
    {
        if (!DateTimeOffset.TryParse(at, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var instant))
        {
            return TypedResults.Problem(title: "at must be an ISO 8601 instant, e.g. 2026-11-25T14:00:00Z", statusCode: StatusCodes.Status400BadRequest);
        }

        return await timeTravel.DeviceAsync(id, instant, cancellationToken) is { } state ? TypedResults.Ok(state) : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<VerifyResult>, NotFound>> VerifyAsync(StreamVerifier verifier, string id, CancellationToken cancellationToken) =>
        await verifier.VerifyAsync(id, cancellationToken) is { } verdict
            ? TypedResults.Ok(new VerifyResult(id, verdict.Events, verdict.Valid, verdict.FirstBrokenVersion, verdict.Reason))
            : TypedResults.NotFound();

    private static async Task<IResult> ExportDeviceAsync(
        HttpContext http, EventHistory history, string id, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken, string format = "json")
    {
        if (await history.CountAsync(new HistoryFilter([id]), cancellationToken) == 0)
        {
            return TypedResults.NotFound();
        }

        return await ExportAsync(http, history, new HistoryFilter([id], From: from, To: to), format, $"{id}-events", withDeviceId: false, cancellationToken);
    }

    private static async Task<IResult> ExportStoreAsync(
        HttpContext http, ClaimsPrincipal user, IQuerySession session, EventHistory history, string id, DateTimeOffset? from, DateTimeOffset? to,
        CancellationToken cancellationToken, string format = "json")
    {
        if (!user.Allows(id))
        {
            return TypedResults.NotFound();
        }

        var devices = await session.Query<DeviceRegistration>().Where(d => d.StoreId == id).Select(d => d.Id).ToListAsync(cancellationToken);
        var streams = devices.Append(StreamIds.Store(id)).ToList();
        if (devices.Count == 0 && await history.CountAsync(new HistoryFilter(streams), cancellationToken) == 0)
        {
            return TypedResults.NotFound();
        }

        return await ExportAsync(http, history, new HistoryFilter(streams, From: from, To: to), format, $"store-{id}-events", withDeviceId: true, cancellationToken);
    }

    private static async Task<IResult> ExportAsync(
        HttpContext http, EventHistory history, HistoryFilter filter, string format, string fileName, bool withDeviceId, CancellationToken cancellationToken)
    {
        if (format is not ("csv" or "json"))
        {
            return TypedResults.Problem(title: "format must be csv or json", statusCode: StatusCodes.Status400BadRequest);
        }

        // The count first, so a client can show progress while the rows stream.
        var total = await history.CountAsync(filter, cancellationToken);
        http.Response.Headers[EventCountHeader] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}.{format}\"";
        http.Response.ContentType = format == "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
        var events = history.ReadAsync(filter, withDeviceId, cancellationToken);
        if (format == "csv")
        {
            await HistoryExport.WriteCsvAsync(events, http.Response.Body, withDeviceId, cancellationToken);
        }
        else
        {
            await HistoryExport.WriteJsonAsync(events, http.Response.BodyWriter, cancellationToken);
        }

        return TypedResults.Empty;
    }
}
