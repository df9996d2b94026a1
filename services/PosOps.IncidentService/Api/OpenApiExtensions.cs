using Microsoft.OpenApi;
using PosOps.IncidentService.Security;
using Scalar.AspNetCore;

namespace PosOps.IncidentService.Api;

public static class OpenApiExtensions
{
    /// <summary>The OpenAPI document (/openapi/v1.json) with both ways to authenticate, and the Scalar reference (/scalar); both anonymous.</summary>
    public static IHostApplicationBuilder AddApiDocument(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "PosOps IncidentService API";
            document.Info.Description = "Devices, incidents and their actions, audit (state as of an instant, export, hash-chain verify), stats and a live stream. "
                + "Roles: ops (read, incident actions), auditor (read, export, verify), admin (everything). Errors are RFC 9457 problem details.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.Header,
                Description = "An API key from configuration (Auth:ApiKeys) or the bootstrap admin key ./run.sh prints",
            };
            document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "HS256 token signed with Auth:Jwt:SigningKey; claims sub, role (ops|auditor|admin), optional stores",
            };
            document.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] },
            ];
            return Task.CompletedTask;
        }));
        return builder;
    }

    public static IEndpointRouteBuilder MapApiDocument(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(o => o.WithTitle("PosOps IncidentService API")).AllowAnonymous();
        return app;
    }
}
