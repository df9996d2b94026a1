using Microsoft.AspNetCore.Http.Features;

namespace PosOps.IncidentService.Api;

/// <summary>
/// The checks every /api endpoint shares, before any of them reads a database: the body size, and every
/// query and route value (length, no control characters; device and store ids in their wire form).
/// A refusal is a problem details answer, so no hostile value reaches PostgreSQL as a 500.
/// </summary>
public sealed class ApiInputGuard(IProblemDetailsService problems) : IMiddleware
{
    // Route patterns whose {id} is a device, store or stream id rather than a GUID.
    private static readonly string[] IdRoutes = ["/api/devices/{id}", "/api/stores/{id}", "/api/device-status/{id}"];

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        if (context.Request.ContentLength > ApiLimits.MaxBodyBytes)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, $"the request body must be at most {ApiLimits.MaxBodyBytes} bytes");
            return;
        }

        // A body sent without a length (chunked) is cut off at the same limit while it is read.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = ApiLimits.MaxBodyBytes;
        }

        if (Problem(context) is { } problem)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, problem);
            return;
        }

        await next(context);
    }

    private static string? Problem(HttpContext context)
    {
        foreach (var (name, values) in context.Request.Query)
        {
            foreach (var value in values)
            {
                var problem = ApiLimits.ValueProblem(name, value) ?? (ApiLimits.IdParameters.Contains(name) ? ApiLimits.IdProblem(name, value) : null);
                if (problem is not null)
                {
                    return problem;
                }
            }
        }

        var raw = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        var pattern = raw is null ? null : "/" + raw.TrimStart('/');
        foreach (var (name, value) in context.Request.RouteValues)
        {
            var text = value as string;
            var problem = ApiLimits.ValueProblem(name, text)
                ?? (name == "id" && pattern is not null && IdRoutes.Any(r => pattern.StartsWith(r, StringComparison.Ordinal)) ? ApiLimits.IdProblem("id", text) : null);
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    private Task RefuseAsync(HttpContext context, int status, string title)
    {
        context.Response.StatusCode = status;
        return problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = { Status = status, Title = title } }).AsTask();
    }
}
