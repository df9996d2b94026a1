using PosOps.Contracts.Incidents;
using PosOps.NotificationService.Delivery;
using PosOps.NotificationService.Routing;

namespace PosOps.NotificationService;

/// <summary>
/// Integration event → alert → routes → rows in the delivery log (one transaction). Sending happens
/// in <see cref="DeliveryWorker"/>, so the message is acknowledged once the alert is safe in PostgreSQL.
/// </summary>
public sealed partial class AlertIntake(DeliveryLog log, RulesWatcher rules, DeliverySignal signal, ILogger<AlertIntake> logger)
{
    /// <param name="sequence">The stored event's sequence, when the producer sent it.</param>
    public async Task TakeAsync(IIntegrationEvent message, long? sequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var alert = message switch
        {
            IncidentOpened e => Alert.From(e),
            StoreOutageDetected e => Alert.From(e),
            PlatformOutageDetected e => Alert.From(e),
            PlatformOutageResolved e => Alert.From(e),
            IncidentResolved e => Alert.From(e, await log.RecallAsync(e.IncidentId, cancellationToken)),
            IncidentAcknowledged e => Alert.From(e, await log.RecallAsync(e.IncidentId, cancellationToken)),
            IncidentMitigated e => Alert.From(e, await log.RecallAsync(e.IncidentId, cancellationToken)),
            IncidentEscalated e => Alert.From(e, await log.RecallAsync(e.IncidentId, cancellationToken)),
            IncidentReopened e => Alert.From(e, await log.RecallAsync(e.IncidentId, cancellationToken)),
            IncidentVerified e => Alert.From(e, await log.RecallAsync(e.IncidentId, cancellationToken)),
            IncidentClosed e => Alert.From(e, await log.RecallAsync(e.IncidentId, cancellationToken)),
            StoreOutageResolved e => Alert.From(e, await log.RecallAsync(e.IncidentId, cancellationToken)),
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
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Kind} for incident {IncidentId} matches no route in {Rules}; nothing sent")]
    private partial void LogUnrouted(string kind, Guid incidentId, string rules);
}
