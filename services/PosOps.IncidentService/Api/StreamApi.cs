using System.Globalization;
using System.Security.Claims;
using PosOps.IncidentService.LiveFeed;
using PosOps.IncidentService.Security;

namespace PosOps.IncidentService.Api;

/// <summary>GET /api/stream: Server-Sent Events of the integration events, with a keep-alive comment every 15 s.</summary>
public static class StreamApi
{
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapStreamApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stream", StreamAsync).WithTags("Stream").RequireAuthorization(Policies.Read).WithName("Stream")
            .WithSummary("Live integration events as Server-Sent Events (event: incident-opened, ...; data: the event's JSON)")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return app;
    }

    private static async Task StreamAsync(HttpContext http, LiveFeedHub hub, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        using var subscription = hub.Subscribe(StoreScope.Of(user));
        await http.Response.WriteAsync(": connected\n\n", cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(KeepAlive);
                bool ready;
                try
                {
                    ready = await subscription.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", cancellationToken);
                    await http.Response.Body.FlushAsync(cancellationToken);
                    continue;
                }

                if (!ready)
                {
                    return;
                }

                if (subscription.TakeDropped() is > 0 and var dropped)
                {
                    await http.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $": {dropped} events dropped (client too slow)\n\n"), cancellationToken);
                }

                while (subscription.Reader.TryRead(out var message))
                {
                    // One data line: the JSON is compact, so it holds no newline.
                    await http.Response.WriteAsync($"event: {message.Event}\ndata: {message.Json.ReplaceLineEndings(" ")}\n\n", cancellationToken);
                }

                await http.Response.Body.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }
}
