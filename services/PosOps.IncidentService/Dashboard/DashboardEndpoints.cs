using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace PosOps.IncidentService.Dashboard;

/// <summary>
/// The dashboard: plain HTML/CSS/JS from wwwroot/, embedded in the assembly so the in-process test host,
/// `dotnet run` and a published image all serve the same files. Served by anonymous endpoints (the page
/// asks for the API key itself), so the API's authorization policy does not have to know about it.
/// No server logic beyond serving files.
/// </summary>
public static class DashboardEndpoints
{
    private const string ResourcePrefix = "PosOps.Dashboard/";

    // Everything is served from here: no CDN, no inline script (the page works offline).
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

    private static readonly Lazy<FrozenDictionary<string, DashboardFile>> Files = new(Load);

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => TypedResults.Redirect("/dashboard/")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/dashboard/{**file}", Serve).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static IResult Serve(HttpContext context, string? file)
    {
        // "/dashboard" matches here too; the page's relative links need the trailing slash.
        if (string.IsNullOrEmpty(file) && !context.Request.Path.Value!.EndsWith('/'))
        {
            return TypedResults.Redirect("/dashboard/");
        }

        if (!Files.Value.TryGetValue(string.IsNullOrEmpty(file) ? "index.html" : file, out var found))
        {
            return TypedResults.NotFound();
        }

        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        return TypedResults.File(found.Content, found.ContentType, entityTag: found.ETag);
    }

    private static FrozenDictionary<string, DashboardFile> Load()
    {
        var assembly = typeof(DashboardEndpoints).Assembly;
        var types = new FileExtensionContentTypeProvider();
        var files = new Dictionary<string, DashboardFile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var path = name[ResourcePrefix.Length..].Replace('\\', '/');
            var type = types.TryGetContentType(path, out var known) ? known : "application/octet-stream";
            if (type.StartsWith("text/", StringComparison.Ordinal) || type is "application/javascript" or "text/javascript")
            {
                type += "; charset=utf-8";
            }

            files[path] = new DashboardFile(content, type, new EntityTagHeaderValue($"\"{Convert.ToHexString(SHA256.HashData(content))[..16]}\""));
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed record DashboardFile(byte[] Content, string ContentType, EntityTagHeaderValue ETag);
}
