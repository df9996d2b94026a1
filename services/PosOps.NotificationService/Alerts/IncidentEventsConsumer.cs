using System.Diagnostics;
using Microsoft.Extensions.Options;
using PosOps.Contracts;
using PosOps.Contracts.Incidents;
using PosOps.NotificationService.Delivery;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace PosOps.NotificationService;

/// <summary>
/// Takes incident events from the partitions one at a time, in order, and acknowledges each once its
/// alert is safe in the delivery log. While the database (or anything the intake needs) is away the
/// partition waits at that event, unacknowledged, for as long as the outage lasts: nothing overtakes
/// it and nothing is dead-lettered for it. Only an event that can never become an alert goes to
/// <see cref="WireNames.NotificationErrorQueue"/> with its reason, counted in posops_notifications_errored.
/// </summary>
public sealed partial class IncidentEventsConsumer(
    AlertIntake intake, AmqpConnectionProvider connections, IOptions<IntakeOptions> options, DependencyGuard guard, DeliveryMetrics metrics,
    ILogger<IncidentEventsConsumer> logger) : BackgroundService
{
    public const string Loop = "alert intake";

    public static readonly ActivitySource Source = new("PosOps.NotificationService");

    /// <summary>
    /// Started means bound: the partitions exist before the host reports started, so an event published
    /// from then on is kept even if consuming starts a moment later. A broker that is down is waited for
    /// (up to <see cref="BindTimeout"/>), then consuming keeps trying in the background.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(BindTimeout);
        try
        {
            await guard.RunAsync(Loop, async ct =>
            {
                var connection = await connections.GetAsync(ct);
                await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
                await IncidentEventsTopology.DeclareAsync(channel, options.Value.Partitions, ct);
            }, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogNotBound(BindTimeout.TotalSeconds);
        }

        await base.StartAsync(cancellationToken);
    }

    private static readonly TimeSpan BindTimeout = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var partitions = options.Value.Partitions;
        try
        {
            // Queues of the layout before one exchange go first: their events are older than anything here.
            await guard.RunAsync(Loop + " (retiring old queues)", ct => RetiredQueues.DrainAsync(connections, intake, logger, ct), stoppingToken);
            await Task.WhenAll(Enumerable.Range(0, partitions).Select(n =>
                guard.RunAsync($"{Loop} {IncidentEventsTopology.Partition(n)}", ct => ConsumeAsync(n, ct), stoppingToken)));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Consumes one partition until the service stops; throws when the channel closes (the guard reconnects).</summary>
    private async Task ConsumeAsync(int partition, CancellationToken stoppingToken)
    {
        var queue = IncidentEventsTopology.Partition(partition);
        var connection = await connections.GetAsync(stoppingToken);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), stoppingToken);
        await IncidentEventsTopology.DeclareAsync(channel, options.Value.Partitions, stoppingToken);
        await channel.BasicQosAsync(0, (ushort)options.Value.Prefetch, global: false, stoppingToken);

        var inbox = await QueueSubscription.SubscribeAsync(channel, queue, stoppingToken);
        guard.Recovered($"{Loop} {queue}");
        LogConsuming(queue);

        while (await inbox.WaitToReadAsync(stoppingToken))
        {
            while (inbox.TryRead(out var delivery))
            {
                await TakeAsync(channel, queue, delivery, stoppingToken);
                await channel.BasicAckAsync(delivery.Tag, multiple: false, stoppingToken);
            }
        }

        throw new DependencyUnavailableException(DependencyFailure.RabbitMq, $"the channel for {queue} closed");
    }

    private async Task TakeAsync(IChannel channel, string queue, QueueDelivery delivery, CancellationToken stoppingToken)
    {
        var type = delivery.Properties.Type;
        IIntegrationEvent message;
        try
        {
            message = IncidentEventsWire.Read(type, delivery.Body);
        }
        catch (FormatException e)
        {
            await ParkAsync(channel, queue, delivery, e.Message, stoppingToken);
            return;
        }

        var parent = delivery.Header(IncidentEventsWire.TraceParentHeader);
        using var span = ActivityContext.TryParse(parent, null, isRemote: true, out var context)
            ? Source.StartActivity($"consume {type}", ActivityKind.Consumer, context)
            : Source.StartActivity($"consume {type}", ActivityKind.Consumer);
        span?.SetTag("messaging.destination.name", queue);
        try
        {
            // A dependency outage is waited out here, at this event, in order (see the class comment).
            await guard.RunAsync($"{Loop} {queue}", ct => intake.TakeAsync(message, IncidentEventsWire.Sequence(delivery.Properties), ct), stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not a dependency being away (the guard waits those out): this event can never become an alert.
            await ParkAsync(channel, queue, delivery, $"{e.GetType().Name}: {e.Message}", stoppingToken);
        }
    }

    private async Task ParkAsync(IChannel channel, string queue, QueueDelivery delivery, string reason, CancellationToken stoppingToken)
    {
        var headers = delivery.Properties.Headers is { } h ? new Dictionary<string, object?>(h) : [];
        headers[WireNames.ReasonHeader] = reason;
        headers[WireNames.SourceQueueHeader] = queue;
        headers["x-posops-failed-at"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture); // posops errors shows it
        var properties = new BasicProperties(delivery.Properties) { Headers = headers, Persistent = true };
        await channel.BasicPublishAsync(string.Empty, WireNames.NotificationErrorQueue, mandatory: true, properties, delivery.Body, stoppingToken);
        metrics.Errored(delivery.Properties.Type ?? "untyped", new FormatException(reason));
        LogParked(delivery.Properties.Type, delivery.Properties.MessageId, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The incident-event partitions could not be declared within {Seconds} s; starting anyway, consuming keeps trying")]
    private partial void LogNotBound(double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Taking incident events from {Queue}")]
    private partial void LogConsuming(string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Incident event {Type} {MessageId} can never become an alert ({Reason}); moved to the error queue")]
    private partial void LogParked(string? type, string? messageId, string reason);
}
