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
            ActAsync(id, s, (view, now) => new AcknowledgeIncident(view.DeviceId, id, s.User.Actor(), now), ct)).WithName("AcknowledgeIncident").WithSummary("Take the incident");
        api.MapPost("/mitigate", (Guid id, MitigateRequest r, [AsParameters] IncidentActionServices s, CancellationToken ct) =>
            ActAsync(id, s, (view, now) => new MitigateIncident(view.DeviceId, id, r.Workaround, s.User.Actor(), now), ct)).WithName("MitigateIncident").WithSummary("Record the workaround that keeps the store trading");
        api.MapPost("/resolve", (Guid id, ResolveRequest? r, [AsParameters] IncidentActionServices s, CancellationToken ct) =>
            ActAsync(id, s, (view, now) => new ResolveIncident(view.DeviceId, id, s.User.Actor(), r?.Note, now), ct)).WithName("ResolveIncident").WithSummary("Resolve; the follow-up check verifies later");
        api.MapPost("/close", (Guid id, CloseRequest? r, [AsParameters] IncidentActionServices s, CancellationToken ct) =>
            ActAsync(id, s, (view, now) => new CloseIncident(view.DeviceId, id, s.User.Actor(), now), ct)).WithName("CloseIncident").WithSummary("Close a verified incident");
        return app;
    }

    private static async Task<Results<Ok<IncidentView>, NotFound, ProblemHttpResult>> ActAsync(
        Guid id, IncidentActionServices services, Func<IncidentView, DateTimeOffset, DeviceCommand> command, CancellationToken cancellationToken)
    {
        await using (var query = services.Store.QuerySession())
        {
            if (await query.LoadAsync<IncidentView>(id, cancellationToken) is not { } view || !services.User.Allows(view.StoreId))
            {
                return TypedResults.NotFound();
            }

            if (services.IfMatch is { Length: > 0 } expected && expected.Trim('"') != view.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return TypedResults.Problem($"the incident changed (version {view.Version}); reload and try again", statusCode: StatusCodes.Status412PreconditionFailed);
            }

            try
            {
                await services.Writer.DecideAsync(view.DeviceId, (_, now) => command(view, now), cancellationToken);
            }
            catch (InvalidOperationException refused)
            {
                return TypedResults.Problem(refused.Message, title: "not allowed in the incident's state", statusCode: StatusCodes.Status409Conflict);
            }
        }

        await using var after = services.Store.QuerySession();
        return TypedResults.Ok((await after.LoadAsync<IncidentView>(id, cancellationToken))!);
    }
}

/// <summary>What every incident action needs.</summary>
public sealed class IncidentActionServices
{
    public required IDocumentStore Store { get; init; }

    public required DeviceWriter Writer { get; init; }

    public required ClaimsPrincipal User { get; init; }

    [FromHeader(Name = "If-Match")]
    public string? IfMatch { get; init; }
}
