using System.Text;
using System.Text.Json;
using MassTransit;
using PosOps.Contracts;

namespace PosOps.IncidentService.LiveFeed;

/// <summary>Any integration event body: the live feed forwards the JSON as published.</summary>
public sealed record LiveEnvelope;

/// <summary>
/// Feeds the hub from the integration events, which are published only after commit: every replica
/// connects its own temporary (auto-delete) queue bound to the integration-event exchanges, so each
/// replica's clients see every event whichever replica committed it.
/// </summary>
public sealed partial class LiveFeedConnector(IReceiveEndpointConnector connector, LiveFeedHub hub, ILogger<LiveFeedConnector> logger) : IHostedService
{
    private const string Prefix = "posops.incidents.";

    private static readonly string[] Exchanges =
    [
        WireNames.IncidentOpenedExchange, WireNames.IncidentAcknowledgedExchange, WireNames.IncidentMitigatedExchange,
        WireNames.IncidentEscalatedExchange, WireNames.IncidentResolvedExchange, WireNames.IncidentReopenedExchange,
        WireNames.IncidentVerifiedExchange, WireNames.IncidentClosedExchange, WireNames.StoreOutageDetectedExchange,
        WireNames.StoreOutageResolvedExchange, WireNames.PlatformOutageDetectedExchange, WireNames.PlatformOutageResolvedExchange,
    ];

    private HostReceiveEndpointHandle? handle;

    /// <summary>"posops.incidents.opened" → "incident-opened"; "posops.incidents.store-outage-detected" → "store-outage-detected".</summary>
    public static string EventName(string exchange)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var suffix = exchange.StartsWith(Prefix, StringComparison.Ordinal) ? exchange[Prefix.Length..] : exchange;
        return suffix.Contains('-', StringComparison.Ordinal) ? suffix : "incident-" + suffix;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        handle = connector.ConnectReceiveEndpoint(new TemporaryEndpointDefinition("live-feed"), DefaultEndpointNameFormatter.Instance, (_, endpoint) =>
        {
            endpoint.ConfigureConsumeTopology = false;
            if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
            {
                foreach (var exchange in Exchanges)
                {
                    rabbit.Bind(exchange);
                }
            }

            endpoint.Handler<LiveEnvelope>(context =>
            {
                var exchange = context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbitContext) ? rabbitContext.Exchange : "";
                var json = Encoding.UTF8.GetString(context.ReceiveContext.Body.GetBytes());
                hub.Publish(new LiveMessage(EventName(exchange), json, StoreOf(json)));
                return Task.CompletedTask;
            });
        });
        try
        {
            await handle.Ready.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (TimeoutException)
        {
            LogNotReady();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (handle is not null)
        {
            await handle.StopAsync(cancellationToken);
        }
    }

    private static string? StoreOf(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("storeId", out var store) && store.ValueKind == JsonValueKind.String ? store.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live feed's queue was not ready within 30 s; live clients may miss events until the broker answers")]
    private partial void LogNotReady();
}
