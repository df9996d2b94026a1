using Microsoft.AspNetCore.Http.HttpResults;
using PosOps.IncidentService.Runbooks;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Security;

namespace PosOps.IncidentService.Api;

/// <summary>Ops ticks a runbook step: done (with a note) or not done (the runbook branches on it). The actor is the caller.</summary>
public sealed record StepTickRequest(string? Note = null);

public static class RunbooksApi
{
    public static IEndpointRouteBuilder MapRunbooksApi(this IEndpointRouteBuilder app)
    {
        var runbooks = app.MapGroup("/api/runbooks").WithTags("Runbooks").RequireAuthorization(Policies.Read);
        runbooks.MapGet("/", (RunbookLibrary library) => TypedResults.Ok(library.Runbooks)).WithName("ListRunbooks").WithSummary("The runbooks in force, as loaded and validated at start-up");
        runbooks.MapGet("/{id}", Results<Ok<Runbook>, NotFound> (string id, RunbookLibrary library) =>
            library.ById(id) is { } runbook ? TypedResults.Ok(runbook) : TypedResults.NotFound()).WithName("GetRunbook");

        var steps = app.MapGroup("/api/incidents/{id:guid}/steps/{stepId}").WithTags("Incidents").RequireAuthorization(Policies.Act);
        steps.MapPost("/complete", (Guid id, string stepId, StepTickRequest? r, [AsParameters] IncidentActionServices s, RunbookReaction runbook, CancellationToken ct) =>
            TickAsync(id, stepId, true, r, s, runbook, ct)).WithName("CompleteRunbookStep").WithSummary("Tick the current manual or contact step as done");
        steps.MapPost("/fail", (Guid id, string stepId, StepTickRequest? r, [AsParameters] IncidentActionServices s, RunbookReaction runbook, CancellationToken ct) =>
            TickAsync(id, stepId, false, r, s, runbook, ct)).WithName("FailRunbookStep").WithSummary("Tick the current step as not done; the runbook takes its failure branch");
        return app;
    }

    private static Task<Results<Ok<IncidentView>, NotFound, ProblemHttpResult>> TickAsync(
        Guid id, string stepId, bool done, StepTickRequest? request, IncidentActionServices services, RunbookReaction runbook, CancellationToken cancellationToken) =>
        ApiLimits.TextProblem("note", request?.Note) is { } problem ? IncidentActionsApi.RefuseAsync(problem)
        : services.ActAsync(
            id,
            view => services.Writer.WriteAsync(
                [runbook.Decide(view.DeviceId, (_, now) => new TickRunbookStep(view.DeviceId, id, stepId, done, services.User.Actor(), request?.Note, now), cancellationToken)],
                cancellationToken),
            "not allowed in the runbook's state",
            cancellationToken);
}
