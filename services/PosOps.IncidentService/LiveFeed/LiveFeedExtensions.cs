namespace PosOps.IncidentService.LiveFeed;

public static class LiveFeedExtensions
{
    /// <summary>The live feed behind GET /api/stream: integration events fanned out to connected clients.</summary>
    public static IHostApplicationBuilder AddLiveFeed(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<LiveFeedHub>();
        builder.Services.AddHostedService<LiveFeedConnector>();
        return builder;
    }
}
