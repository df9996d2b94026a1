using PosOps.NotificationService.Channels;
using PosOps.NotificationService.Delivery;

namespace PosOps.NotificationService;

/// <summary>A delivery is being attempted elsewhere; the message is retried later rather than sent twice.</summary>
public sealed class AlertInProgressException(string alertKey) : Exception($"alert {alertKey} is being delivered by another attempt");

/// <summary>A receiver did not take the alert; the consumer's retry policy tries again.</summary>
public sealed class AlertDeliveryFailedException(string message) : Exception(message);

/// <summary>Claim in the delivery log → send → record. The log decides what was already sent.</summary>
public sealed partial class AlertDispatcher(DeliveryLog log, WebhookChannel webhook, ILogger<AlertDispatcher> logger)
{
    public async Task DispatchAsync(Alert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        switch (await log.ClaimAsync(alert, WebhookChannel.Name, cancellationToken))
        {
            case ClaimResult.AlreadyDelivered:
                LogDuplicate(alert.Kind, alert.IncidentId, alert.EventId);
                return;
            case ClaimResult.InProgress:
                throw new AlertInProgressException(alert.Key(WebhookChannel.Name));
        }

        var attempt = await webhook.SendAsync(alert, cancellationToken);
        await log.RecordAsync(alert, WebhookChannel.Name, attempt, CancellationToken.None);
        if (!attempt.Delivered)
        {
            throw new AlertDeliveryFailedException($"webhook refused {alert.Kind} for incident {alert.IncidentId}: {attempt.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no response"} {attempt.Error}");
        }

        LogDelivered(alert.Kind, alert.DeviceId, alert.FaultCode, alert.IncidentId, (int)attempt.Latency.TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert delivered: {Kind} device={DeviceId} fault={FaultCode} incident={IncidentId} ({LatencyMs} ms)")]
    private partial void LogDelivered(string kind, string deviceId, string faultCode, Guid incidentId, int latencyMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Kind} for incident {IncidentId} already delivered (event {EventId}); skipped")]
    private partial void LogDuplicate(string kind, Guid incidentId, Guid eventId);
}
