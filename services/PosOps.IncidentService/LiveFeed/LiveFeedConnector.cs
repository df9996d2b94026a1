using System.Text;
using System.Text.Json;
using Marten;
using MassTransit;
using PosOps.Contracts;
using PosOps.IncidentService.Fleet;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.LiveFeed;

/// <summary>Any integration event body: the live feed forwards the JSON as published.</summary>
public sealed record LiveEnvelope;

/// <summary>The live feed's <c>device-status</c> message: what a terminal can do now, named like the incident events (deviceId).</summary>
public sealed record LiveDeviceStatus(string DeviceId, string StoreId, TradingStatus Status, IReadOnlyList<OpenFault> OpenFaults, string? ActiveLink, string? BackupDeviceId, DateTimeOffset ChangedAt)
{
    public static LiveDeviceStatus From(DeviceStatus s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Id, s.StoreId, s.Status, s.OpenFaults, s.ActiveLink, s.BackupDeviceId, s.ChangedAt);
    }
}

/// <summary>
/// Feeds the hub from the integration events, which are published only after commit: every replica
/// connects its own temporary (auto-delete) queue bound to the integration-event exchanges, so each
/// replica's clients see every event whichever replica committed it. A device's incident event is
/// followed by a <c>device-status</c> message (what the terminal can do now), read from the inline
/// DeviceStatus projection, which was committed with the event.
/// </summary>
public sealed partial class LiveFeedConnector(IReceiveEndpointConnector connector, LiveFeedHub hub, IDocumentStore documents, ILogger<LiveFeedConnector> logger) : IHostedService
{
    private const string Prefix = "posops.incidents.";

    public const string DeviceStatusEvent = "device-status";

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

            endpoint.Handler<LiveEnvelope>(async context =>
            {
                var exchange = context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbitContext) ? rabbitContext.Exchange : "";
                var json = Encoding.UTF8.GetString(context.ReceiveContext.Body.GetBytes());
                var (storeId, deviceId) = SubjectOf(json);
                hub.Publish(new LiveMessage(EventName(exchange), json, storeId));
                if (deviceId is not null && StreamIds.IsTerminal(deviceId) && hub.Clients > 0)
                {
                    await PublishStatusAsync(deviceId, context.CancellationToken);
                }
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

    // Best effort: the incident event has gone out already, and the next one (or a refresh) brings the status.
    private async Task PublishStatusAsync(string deviceId, CancellationToken cancellationToken)
    {
        try
        {
            await using var session = documents.QuerySession();
            if (await session.LoadAsync<DeviceStatus>(deviceId, cancellationToken) is { } status)
            {
                hub.Publish(new LiveMessage(DeviceStatusEvent, JsonSerializer.Serialize(LiveDeviceStatus.From(status), WireJson.Options), status.StoreId));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogStatusUnavailable(deviceId, e.Message);
        }
    }

    private static (string? StoreId, string? DeviceId) SubjectOf(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return (Text(document.RootElement, "storeId"), Text(document.RootElement, "deviceId"));
        }
        catch (JsonException)
        {
            return (null, null);
        }

        static string? Text(JsonElement root, string name) =>
            root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No device-status for {DeviceId} on the live feed: {Reason}")]
    private partial void LogStatusUnavailable(string deviceId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live feed's queue was not ready within 30 s; live clients may miss events until the broker answers")]
    private partial void LogNotReady();
}
