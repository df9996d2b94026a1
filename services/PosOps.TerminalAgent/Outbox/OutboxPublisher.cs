using System.Globalization;
using Microsoft.Extensions.Options;
using PosOps.Contracts;
using PosOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace PosOps.TerminalAgent.Outbox;

/// <summary>
/// Drains the outbox to RabbitMQ and deletes a row only after the broker's publisher confirm.
/// Devices are spread over a few channels by device id, and each channel publishes one message at a
/// time, so a device's messages reach the broker in the order they were stored.
/// </summary>
public sealed partial class OutboxPublisher(
    AgentOutbox outbox,
    AmqpConnectionProvider connections,
    IOptions<AgentStoreOptions> options,
    DependencyHealth health,
    IOptions<ResilienceOptions> resilience,
    ILogger<OutboxPublisher> logger) : BackgroundService
{
    private const int Lanes = 4;
    private const string Loop = "outbox publisher";
    private readonly IChannel?[] channels = new IChannel?[Lanes];
    private bool failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.Zero;
        var attempt = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (backoff > TimeSpan.Zero)
                {
                    await Task.Delay(backoff, stoppingToken);
                }

                var rows = await outbox.PeekAsync(options.Value.PublishBatchSize, stoppingToken);
                if (rows.Count == 0)
                {
                    await outbox.WaitForWorkAsync(TimeSpan.FromSeconds(1), stoppingToken);
                    continue;
                }

                var lanes = rows.GroupBy(r => Lane(r.DeviceId)).ToList();
                var done = await Task.WhenAll(lanes.Select(lane => PublishLaneAsync(lane.Key, [.. lane], stoppingToken)));
                var ids = done.SelectMany(d => d.Confirmed).ToList();
                await outbox.RemoveAsync(ids, stoppingToken);

                var error = done.Select(d => d.Error).FirstOrDefault(e => e is not null);
                if (error is null)
                {
                    if (failing)
                    {
                        LogRecovered();
                    }

                    failing = false;
                    health.Up(Loop);
                    attempt = 0;
                    backoff = TimeSpan.Zero;
                }
                else
                {
                    if (!failing)
                    {
                        LogPublishFailing(error.Message);
                    }

                    failing = true;

                    // Whatever the broker answered (away, unroutable, nacked), the message stays stored and is retried.
                    health.Down(Loop, DependencyFailure.Of(error) ?? DependencyFailure.RabbitMq, error.Message);
                    backoff = resilience.Value.Backoff(attempt++);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (DependencyFailure.Of(e) is { } dependency)
            {
                // Anything else (the local outbox file failing, a bug) stops the agent loudly.
                LogPublishFailing(e.Message);
                failing = true;
                health.Down(Loop, dependency, e.Message);
                backoff = resilience.Value.Backoff(attempt++);
            }
        }
    }

    private async Task<(List<long> Confirmed, Exception? Error)> PublishLaneAsync(int lane, List<OutboxRow> rows, CancellationToken cancellationToken)
    {
        var confirmedIds = new List<long>(rows.Count);
        var stopped = new HashSet<string>(StringComparer.Ordinal);
        Exception? error = null;
        foreach (var row in rows)
        {
            // After one failure a device waits, so nothing of it overtakes the failed message.
            if (stopped.Contains(row.DeviceId))
            {
                continue;
            }

            try
            {
                var channel = await ChannelAsync(lane, cancellationToken);
                var properties = new BasicProperties
                {
                    Type = row.Type,
                    MessageId = row.MessageId,
                    ContentType = "application/json",
                    Persistent = row.Persistent,
                    Headers = new Dictionary<string, object?>
                    {
                        [WireNames.SignatureHeader] = row.Signature,
                        ["x-posops-sequence"] = row.Sequence.ToString(CultureInfo.InvariantCulture),
                    },
                };
                using var trace = OutboxTracing.StartPublish(row, properties.Headers);

                // Mandatory for everything that matters: unrouted means "keep it", not "gone".
                await channel.BasicPublishAsync(row.Exchange, row.DeviceId, mandatory: row.Persistent, properties, row.Body, cancellationToken);
                confirmedIds.Add(row.Id);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error ??= e;
                stopped.Add(row.DeviceId);
                if (channels[lane] is { IsOpen: false } closed)
                {
                    channels[lane] = null;
                    await closed.DisposeAsync();
                }
            }
        }

        return (confirmedIds, error);
    }

    private async Task<IChannel> ChannelAsync(int lane, CancellationToken cancellationToken)
    {
        if (channels[lane] is { IsOpen: true } open)
        {
            return open;
        }

        var connection = await connections.GetAsync(cancellationToken);
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        await AgentExchanges.DeclareAsync(channel, cancellationToken);
        channels[lane] = channel;
        return channel;
    }

    private static int Lane(string deviceId) => (int)((uint)StringComparer.Ordinal.GetHashCode(deviceId) % Lanes);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var channel in channels)
        {
            if (channel is not null)
            {
                await channel.DisposeAsync();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing from the outbox fails ({Reason}); messages stay stored and are retried")]
    private partial void LogPublishFailing(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Publishing from the outbox works again")]
    private partial void LogRecovered();
}
