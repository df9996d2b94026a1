using Scalar.AspNetCore;

namespace PosOps.IncidentService.Api;

public static class OpenApiExtensions
{
    /// <summary>The OpenAPI document (/openapi/v1.json) and the Scalar reference (/scalar), both anonymous.</summary>
    public static IHostApplicationBuilder AddApiDocument(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOpenApi();
        return builder;
    }

    public static IEndpointRouteBuilder MapApiDocument(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(o => o.WithTitle("PosOps IncidentService API")).AllowAnonymous();
        return app;
    }
}
