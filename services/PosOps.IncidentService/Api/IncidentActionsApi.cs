using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using System.Security.Claims;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Security;

namespace PosOps.IncidentService.Api;

// "By" is accepted for older clients but ignored: the actor recorded is the authenticated user.
public sealed record AcknowledgeRequest(string? By = null, string? Note = null);

public sealed record MitigateRequest(string Workaround, string? By = null);

public sealed record ResolveRequest(string? By = null, string? Note = null);

public sealed record CloseRequest(string? By = null);

/// <summary>What ops do to an incident: acknowledge, mitigate, resolve, close. Each is an event in the device's stream.</summary>
public static class IncidentActionsApi
{
    public static IEndpointRouteBuilder MapIncidentActionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/incidents/{id:guid}").WithTags("Incidents").RequireAuthorization(Policies.Act);
        api.MapPost("/acknowledge", (Guid id, AcknowledgeRequest? r, [AsParameters] IncidentActionServices s, CancellationToken ct) =>
            ApiLimits.TextProblem("note", r?.Note) is { } problem ? RefuseAsync(problem)
            : ActAsync(id, s, (view, now) => new AcknowledgeIncident(view.DeviceId, id, s.User.Actor(), now), ct)).WithName("AcknowledgeIncident").WithSummary("Take the incident");
        api.MapPost("/mitigate", (Guid id, MitigateRequest r, [AsParameters] IncidentActionServices s, CancellationToken ct) =>
            ApiLimits.TextProblem("workaround", r.Workaround, required: true) is { } problem ? RefuseAsync(problem)
            : ActAsync(id, s, (view, now) => new MitigateIncident(view.DeviceId, id, r.Workaround, s.User.Actor(), now), ct)).WithName("MitigateIncident").WithSummary("Record the workaround that keeps the store trading");
        api.MapPost("/resolve", (Guid id, ResolveRequest? r, [AsParameters] IncidentActionServices s, CancellationToken ct) =>
            ApiLimits.TextProblem("note", r?.Note) is { } problem ? RefuseAsync(problem)
            : ActAsync(id, s, (view, now) => new ResolveIncident(view.DeviceId, id, s.User.Actor(), r?.Note, now), ct)).WithName("ResolveIncident").WithSummary("Resolve; the follow-up check verifies later");
        api.MapPost("/close", (Guid id, CloseRequest? r, [AsParameters] IncidentActionServices s, CancellationToken ct) =>
            ActAsync(id, s, (view, now) => new CloseIncident(view.DeviceId, id, s.User.Actor(), now), ct)).WithName("CloseIncident").WithSummary("Close a verified incident");
        return app;
    }

    /// <summary>A body that breaks a documented limit (<see cref="ApiLimits"/>), answered before the incident is looked up.</summary>
    public static Task<Results<Ok<IncidentView>, NotFound, ProblemHttpResult>> RefuseAsync(string problem) =>
        Task.FromResult<Results<Ok<IncidentView>, NotFound, ProblemHttpResult>>(TypedResults.Problem(title: problem, statusCode: StatusCodes.Status400BadRequest));

    private static Task<Results<Ok<IncidentView>, NotFound, ProblemHttpResult>> ActAsync(
        Guid id, IncidentActionServices services, Func<IncidentView, DateTimeOffset, DeviceCommand> command, CancellationToken cancellationToken) =>
        services.ActAsync(id, view => services.Writer.DecideAsync(view.DeviceId, (_, now) => command(view, now), cancellationToken), "not allowed in the incident's state", cancellationToken);
}

/// <summary>What every incident action needs.</summary>
public sealed class IncidentActionServices
{
    public required IDocumentStore Store { get; init; }

    public required DeviceWriter Writer { get; init; }

    public required ClaimsPrincipal User { get; init; }

    [FromHeader(Name = "If-Match")]
    public string? IfMatch { get; init; }

    /// <summary>
    /// The shape of every incident action: the incident as the caller may see it (404 outside their stores),
    /// If-Match against its version (412), the write (409 with <paramref name="refusal"/> when the decider
    /// refuses), then the incident as it is now.
    /// </summary>
    public async Task<Results<Ok<IncidentView>, NotFound, ProblemHttpResult>> ActAsync(
        Guid id, Func<IncidentView, Task> write, string refusal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        await using (var query = Store.QuerySession())
        {
            if (await query.LoadAsync<IncidentView>(id, cancellationToken) is not { } view || !User.Allows(view.StoreId))
            {
                return TypedResults.NotFound();
            }

            if (IfMatch is { Length: > 0 } expected && expected.Trim('"') != view.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return TypedResults.Problem($"the incident changed (version {view.Version}); reload and try again", statusCode: StatusCodes.Status412PreconditionFailed);
            }

            try
            {
                await write(view);
            }
            catch (InvalidOperationException refused)
            {
                return TypedResults.Problem(refused.Message, title: refusal, statusCode: StatusCodes.Status409Conflict);
            }
        }

        await using var after = Store.QuerySession();
        return TypedResults.Ok((await after.LoadAsync<IncidentView>(id, cancellationToken))!);
    }
}
