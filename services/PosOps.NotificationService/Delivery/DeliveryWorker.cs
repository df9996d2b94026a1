using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using Polly;
using PosOps.NotificationService.Channels;
using PosOps.NotificationService.Routing;
using PosOps.ServiceDefaults;
using PosOps.ServiceDefaults.Security;

namespace PosOps.NotificationService.Delivery;

/// <summary>Wakes the worker when new deliveries were written, so an alert does not wait for the next poll.</summary>
public sealed class DeliverySignal : WakeSignal;

/// <summary>
/// Takes due deliveries from the log (any instance may), sends each through its channel with quick
/// retries, records every attempt, and closes the round: delivered, due again later, or dead. Also
/// turns ripe storms into digests.
/// </summary>
public sealed partial class DeliveryWorker(
    DeliveryLog log,
    DeliverySignal signal,
    DeliveryMetrics metrics,
    RulesWatcher rules,
    IEnumerable<IAlertChannel> channels,
    IOptions<DeliveryOptions> options,
    IOptions<AlertAckTokenOptions> ackOptions,
    TimeProvider clock,
    DependencyGuard guard,
    ILogger<DeliveryWorker> logger) : BackgroundService
{
    private readonly Dictionary<string, IAlertChannel> byType = channels.ToDictionary(c => c.Type);
    private readonly ResiliencePipeline<DeliveryAttempt> quickRetries = RetryPolicy.QuickRetries(options.Value);
    private readonly ConcurrentDictionary<string, Task> inFlight = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var poll = TimeSpan.FromSeconds(settings.PollSeconds);
        var nextStormCheck = DateTimeOffset.MinValue;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var claimed = 0;
                foreach (var done in inFlight.Where(d => d.Value.IsCompleted).ToList())
                {
                    inFlight.TryRemove(done.Key, out _);
                }

                // A database outage is waited out (and shown in /health/ready); a bug stops the host.
                claimed = await guard.RunAsync("delivery worker", async ct =>
                {
                    var taken = 0;

                    // Every finished delivery wakes the loop; the storm query need not run that often.
                    if (clock.GetUtcNow() >= nextStormCheck)
                    {
                        await DigestRipeStormsAsync(ct);
                        nextStormCheck = clock.GetUtcNow() + poll;
                    }

                    var free = settings.Concurrency - inFlight.Count;
                    if (free > 0)
                    {
                        foreach (var due in await log.ClaimDueAsync(free, TimeSpan.FromSeconds(settings.LeaseSeconds), ct))
                        {
                            taken++;
                            inFlight[due.AlertKey] = Task.Run(() => DeliverAsync(due, ct), CancellationToken.None);
                        }
                    }

                    return taken;
                }, stoppingToken);

                if (claimed == 0 || inFlight.Count >= settings.Concurrency)
                {
                    await signal.WaitAsync(poll, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: in-flight rounds release their rows below.
        }

        await Task.WhenAll(inFlight.Values);
    }


    private async Task DeliverAsync(DueDelivery due, CancellationToken stoppingToken)
    {
        var tries = 0;
        try
        {
            var receiver = rules.Current.Receivers.GetValueOrDefault(due.Receiver);
            if (receiver is null || !byType.TryGetValue(receiver.Type, out var channel))
            {
                var missing = new DeliveryAttempt(DeliveryOutcome.Permanent, null, TimeSpan.Zero, $"receiver '{due.Receiver}' is not in the routing rules any more");
                await log.FinishAsync(due, receiver?.Type ?? "-", missing, 0, null, missing.Error, CancellationToken.None);
                LogDead(due.Alert.Kind, due.Alert.IncidentId, due.Receiver, missing.Error!);
                return;
            }

            var alert = due.Alert with { Receiver = receiver.Name, AckUrl = AckUrl(due.Alert, receiver.Name) };
            var last = await quickRetries.ExecuteAsync(async _ =>
            {
                tries++;
                DeliveryAttempt attempt;
                try
                {
                    // A send in progress is finished (bounded by the channel's timeout) even when stopping:
                    // cutting it off could leave the receiver with an alert the log does not know it got.
                    attempt = await channel.SendAsync(alert, receiver, CancellationToken.None);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    attempt = new DeliveryAttempt(DeliveryOutcome.Transient, null, TimeSpan.Zero, $"{e.GetType().Name}: {e.Message}");
                }

                metrics.Attempted(channel.Type, attempt);
                await log.RecordAttemptAsync(due, channel.Type, attempt, CancellationToken.None);
                return attempt;
            }, stoppingToken);

            var settings = options.Value;
            var age = clock.GetUtcNow() - due.CreatedAt;
            switch (last.Outcome)
            {
                case DeliveryOutcome.Delivered:
                    await log.FinishAsync(due, channel.Type, last, tries, null, null, CancellationToken.None);
                    LogDelivered(alert.Kind, alert.DeviceId, alert.FaultCode, alert.IncidentId, receiver.Name, (int)last.Latency.TotalMilliseconds);
                    break;
                case DeliveryOutcome.Permanent:
                    var refused = $"{channel.Type} refused permanently: {last.Error}";
                    await log.FinishAsync(due, channel.Type, last, tries, null, refused, CancellationToken.None);
                    LogDead(alert.Kind, alert.IncidentId, receiver.Name, refused);
                    break;
                case DeliveryOutcome.Transient when age > TimeSpan.FromMinutes(settings.GiveUpAfterMinutes):
                    var gaveUp = string.Create(CultureInfo.InvariantCulture, $"gave up after {due.Tries + tries} tries over {age.TotalMinutes:0} min: {last.Error}");
                    await log.FinishAsync(due, channel.Type, last, tries, null, gaveUp, CancellationToken.None);
                    LogDead(alert.Kind, alert.IncidentId, receiver.Name, gaveUp);
                    break;
                default:
                    var wait = RetryPolicy.NextRound(due.Tries + tries, settings, Random.Shared.NextDouble());
                    await log.FinishAsync(due, channel.Type, last, tries, wait, null, CancellationToken.None);
                    LogRetryLater(alert.Kind, alert.IncidentId, receiver.Name, due.Tries + tries, wait.TotalSeconds, last.Error ?? "");
                    break;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await log.ReleaseAsync(due, tries, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The lease lapses and another round (here or elsewhere) takes the delivery again.
            LogRoundFailed(e, due.AlertKey);
        }
        finally
        {
            signal.Wake();
        }
    }

    private async Task DigestRipeStormsAsync(CancellationToken cancellationToken)
    {
        var current = rules.Current;
        foreach (var storm in await log.StormsAsync(cancellationToken))
        {
            var window = current.Routes.FirstOrDefault(r => r.Name == storm.Route)?.StormWindow ?? TimeSpan.Zero;
            if (storm.Now - storm.FirstHeld >= window && await log.DigestAsync(storm.Route, current.Receivers, cancellationToken) is > 0 and var digests)
            {
                LogDigest(storm.Route, digests);
            }
        }
    }

    private string? AckUrl(Alert alert, string receiver)
    {
        var ack = ackOptions.Value;
        if (string.IsNullOrEmpty(ack.Secret) || alert.Kind is not ("incident.opened" or "incident.escalated" or "incident.reopened"))
        {
            return null;
        }

        var token = AlertAckToken.Create(ack.Secret, alert.IncidentId, receiver, clock.GetUtcNow().AddMinutes(ack.LifetimeMinutes));
        return $"{ack.BaseUrl.TrimEnd('/')}/api/incidents/{alert.IncidentId}/ack?token={Uri.EscapeDataString(token)}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert delivered: {Kind} device={DeviceId} fault={FaultCode} incident={IncidentId} to {Receiver} ({LatencyMs} ms)")]
    private partial void LogDelivered(string kind, string deviceId, string faultCode, Guid incidentId, string receiver, int latencyMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Kind} for incident {IncidentId} to {Receiver} not delivered after {Tries} tries; next round in {Seconds:0.0} s: {Error}")]
    private partial void LogRetryLater(string kind, Guid incidentId, string receiver, int tries, double seconds, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert {Kind} for incident {IncidentId} to {Receiver} dead-lettered: {Reason}")]
    private partial void LogDead(string kind, Guid incidentId, string receiver, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storm on route {Route}: held alerts sent as {Digests} digest(s)")]
    private partial void LogDigest(string route, int digests);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery round for {AlertKey} failed; its lease will lapse and it is taken again")]
    private partial void LogRoundFailed(Exception error, string alertKey);
}
