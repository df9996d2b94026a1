using PosOps.Contracts.Incidents;
using PosOps.NotificationService.Delivery;
using PosOps.NotificationService.Routing;

namespace PosOps.NotificationService;

/// <summary>A later transition arrived before its incident's opening was remembered; the consumer retries it.</summary>
public sealed class IncidentNotYetKnownException(Guid incidentId) : Exception($"incident {incidentId} has not been seen opening yet");

/// <summary>
/// Integration event → alert → routes → rows in the delivery log (one transaction). Sending happens
/// in <see cref="DeliveryWorker"/>, so the message is acknowledged once the alert is safe in PostgreSQL.
/// </summary>
public sealed partial class AlertIntake(DeliveryLog log, RulesWatcher rules, DeliverySignal signal, Microsoft.Extensions.Options.IOptions<DeliveryOptions> options, ILogger<AlertIntake> logger)
{
    /// <param name="sequence">The stored event's sequence, when the producer sent it: orders one incident's alerts.</param>
    public async Task TakeAsync(object message, int retryAttempt, long? sequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var alert = message switch
        {
            IncidentOpened e => Alert.From(e),
            StoreOutageDetected e => Alert.From(e),
            PlatformOutageDetected e => Alert.From(e),
            PlatformOutageResolved e => Alert.From(e),
            IncidentResolved e => Alert.From(e, await RecallAsync(e.IncidentId, retryAttempt, cancellationToken)),
            IncidentAcknowledged e => Alert.From(e, await RecallAsync(e.IncidentId, retryAttempt, cancellationToken)),
            IncidentMitigated e => Alert.From(e, await RecallAsync(e.IncidentId, retryAttempt, cancellationToken)),
            IncidentEscalated e => Alert.From(e, await RecallAsync(e.IncidentId, retryAttempt, cancellationToken)),
            IncidentReopened e => Alert.From(e, await RecallAsync(e.IncidentId, retryAttempt, cancellationToken)),
            IncidentVerified e => Alert.From(e, await RecallAsync(e.IncidentId, retryAttempt, cancellationToken)),
            IncidentClosed e => Alert.From(e, await RecallAsync(e.IncidentId, retryAttempt, cancellationToken)),
            StoreOutageResolved e => Alert.From(e, await RecallAsync(e.IncidentId, retryAttempt, cancellationToken)),
            _ => throw new ArgumentException($"no alert for {message.GetType().Name}", nameof(message)),
        };

        var decisions = rules.Current.Route(alert);
        if (decisions.Count == 0)
        {
            LogUnrouted(alert.Kind, alert.IncidentId, rules.Current.Source);
        }

        var remember = message is IncidentOpened or StoreOutageDetected;
        if (await log.EnqueueAsync(alert, decisions, remember, sequence, cancellationToken) > 0)
        {
            signal.Wake();
            if (!Alert.IsOpening(alert.Kind))
            {
                // It waits out the order grace before it may go; look again then rather than at the next poll.
                signal.WakeAfter(TimeSpan.FromMilliseconds(options.Value.OrderGraceMilliseconds));
            }
        }
    }

    private async Task<IncidentMemo?> RecallAsync(Guid incidentId, int retryAttempt, CancellationToken cancellationToken)
    {
        // Events of one incident arrive on separate queues; give the opening a moment to be remembered,
        // then route on what the event itself carries rather than hold it back for ever.
        var memo = await log.RecallAsync(incidentId, cancellationToken);
        return memo is null && retryAttempt < options.Value.WaitForOpeningRetries ? throw new IncidentNotYetKnownException(incidentId) : memo;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Kind} for incident {IncidentId} matches no route in {Rules}; nothing sent")]
    private partial void LogUnrouted(string kind, Guid incidentId, string rules);
}
