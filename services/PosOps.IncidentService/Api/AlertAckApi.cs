using System.Net;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using PosOps.IncidentService.Incidents;
using PosOps.ServiceDefaults.Security;

namespace PosOps.IncidentService.Api;

/// <summary>
/// Acknowledge from the alert: the link in an alert carries a signed, expiring token (its own
/// authorisation, see <see cref="AlertAckToken"/>). GET shows a confirmation page, so link previews
/// in chat apps never acknowledge; POST acknowledges through the same write path as
/// <c>POST /api/incidents/{id}/acknowledge</c>.
/// </summary>
public static class AlertAckApi
{
    public static IEndpointRouteBuilder MapAlertAckApi(this IEndpointRouteBuilder app)
    {
        // The signed, expiring token is this route's own authentication (alerts carry no API key).
        var api = app.MapGroup("/api/incidents/{id:guid}/ack").WithTags("Incidents").AllowAnonymous();
        api.MapGet("/", ConfirmAsync).WithName("ConfirmAlertAck").WithSummary("Confirmation page for an acknowledge link from an alert");
        api.MapPost("/", AcknowledgeAsync).WithName("AlertAck").WithSummary("Acknowledge with the signed token from an alert")
            .DisableAntiforgery();
        return app;
    }

    private static async Task<Results<ContentHttpResult, NotFound, ProblemHttpResult>> ConfirmAsync(
        Guid id, string? token, IConfiguration configuration, IQuerySession session, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (Refuse(Check(configuration, token, id, clock)) is { } refused)
        {
            return refused;
        }

        if (await session.LoadAsync<IncidentView>(id, cancellationToken) is not { } view)
        {
            return TypedResults.NotFound();
        }

        var action = $"/api/incidents/{id}/ack?token={Uri.EscapeDataString(token!)}";
        return TypedResults.Content($"""
            <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>PosOps: acknowledge / 确认</title></head>
            <body><h1>{Html(view.FaultCode)} · {Html(view.DeviceId)} ({Html(view.StoreId)})</h1>
            <p>状态 / status: {Html(view.Status.ToString())}</p>
            <form method="post" action="{Html(action)}"><button type="submit">确认接手 / Acknowledge</button></form>
            </body></html>
            """, "text/html; charset=utf-8");
    }

    private static async Task<Results<Ok<IncidentView>, ContentHttpResult, NotFound, ProblemHttpResult>> AcknowledgeAsync(
        Guid id, string? token, HttpRequest request, IConfiguration configuration, IDocumentStore store, DeviceWriter writer, TimeProvider clock, CancellationToken cancellationToken)
    {
        var check = Check(configuration, token, id, clock);
        if (Refuse(check) is { } refused)
        {
            return refused;
        }

        await using (var query = store.QuerySession())
        {
            if (await query.LoadAsync<IncidentView>(id, cancellationToken) is not { } view)
            {
                return TypedResults.NotFound();
            }

            // Acknowledging an incident someone already took is "already done", not an error.
            if (view.Status == IncidentStatus.Open)
            {
                try
                {
                    await writer.DecideAsync(view.DeviceId, (_, now) => new AcknowledgeIncident(view.DeviceId, id, check.Actor!, now), cancellationToken);
                }
                catch (InvalidOperationException notAllowed)
                {
                    return TypedResults.Problem(notAllowed.Message, title: "not allowed in the incident's state", statusCode: StatusCodes.Status409Conflict);
                }
            }
        }

        await using var after = store.QuerySession();
        var acknowledged = (await after.LoadAsync<IncidentView>(id, cancellationToken))!;
        return request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)
            ? TypedResults.Content($"""
                <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>PosOps</title></head>
                <body><p>已确认 / Acknowledged by {Html(acknowledged.AcknowledgedBy ?? check.Actor!)}: {Html(acknowledged.FaultCode)} · {Html(acknowledged.DeviceId)}</p></body></html>
                """, "text/html; charset=utf-8")
            : TypedResults.Ok(acknowledged);
    }

    private static AckTokenCheck Check(IConfiguration configuration, string? token, Guid id, TimeProvider clock)
    {
        // Read per request: the token is this endpoint's whole authorisation and needs no other registration.
        var secret = configuration.GetSection(AlertAckTokenOptions.Section)[nameof(AlertAckTokenOptions.Secret)];
        return AlertAckToken.Check(secret, token, id, clock.GetUtcNow());
    }

    private static ProblemHttpResult? Refuse(AckTokenCheck check) => check.Valid
        ? null
        : TypedResults.Problem(check.Problem, title: check.Expired ? "ack link no longer valid" : "ack link not accepted",
            statusCode: check.Expired ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized);

    private static string Html(string text) => WebUtility.HtmlEncode(text);
}
