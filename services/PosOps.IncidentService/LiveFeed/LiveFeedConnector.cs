using System.Text;
using System.Text.Json;
using Marten;
using PosOps.Contracts;
using PosOps.IncidentService.Fleet;
using PosOps.IncidentService.Incidents;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace PosOps.IncidentService.LiveFeed;

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
/// binds its own server-named, exclusive queue to the one integration-event exchange, so each
/// replica's clients see every event whichever replica committed it. The SSE event name is the AMQP
/// type (<c>incident-opened</c>, <c>store-outage-detected</c>). A device's incident event is followed by
/// a <c>device-status</c> message (what the terminal can do now), read from the inline DeviceStatus
/// projection, which was committed with the event.
/// </summary>
public sealed partial class LiveFeedConnector(AmqpConnectionProvider connections, DependencyGuard guard, LiveFeedHub hub, IDocumentStore documents, ILogger<LiveFeedConnector> logger)
    : BackgroundService
{
    public const string DeviceStatusEvent = "device-status";

    private const string Loop = "live feed";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await guard.RunAsync(Loop, FeedAsync, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Forwards events until the channel closes (then throws, and the guard reconnects).</summary>
    private async Task FeedAsync(CancellationToken stoppingToken)
    {
        var connection = await connections.GetAsync(stoppingToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        await IncidentEventsWire.DeclareAsync(channel, stoppingToken);
        var queue = await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true, cancellationToken: stoppingToken);
        await channel.QueueBindAsync(queue.QueueName, WireNames.IncidentEventsExchange, "#", cancellationToken: stoppingToken);

        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.ChannelShutdownAsync += (_, _) =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, ea) =>
        {
            var json = Encoding.UTF8.GetString(ea.Body.Span);
            var (storeId, deviceId) = SubjectOf(json);
            hub.Publish(new LiveMessage(ea.BasicProperties.Type ?? "incident-event", json, storeId));
            if (deviceId is not null && StreamIds.IsTerminal(deviceId) && hub.Clients > 0)
            {
                await PublishStatusAsync(deviceId, stoppingToken);
            }
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, stoppingToken);
        guard.Recovered(Loop);
        await closed.Task.WaitAsync(stoppingToken);
        throw new DependencyUnavailableException(DependencyFailure.RabbitMq, "the live feed's channel closed");
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
}
