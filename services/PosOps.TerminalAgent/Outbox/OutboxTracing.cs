using System.Diagnostics;

namespace PosOps.TerminalAgent.Outbox;

/// <summary>
/// W3C trace context on agent messages: each publish is a producer span whose <c>traceparent</c>
/// (and <c>tracestate</c>) go into the AMQP headers, so IncidentService can continue the trace.
/// No listener (OpenTelemetry off) means no span and no header.
/// </summary>
public static class OutboxTracing
{
    public const string SourceName = "PosOps.TerminalAgent";

    private static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartPublish(OutboxRow row, IDictionary<string, object?> headers)
    {
        ArgumentNullException.ThrowIfNull(row);
        var activity = Source.StartActivity($"{row.Exchange} publish", ActivityKind.Producer);
        if (activity is null)
        {
            return null;
        }

        activity.SetTag("messaging.system", "rabbitmq");
        activity.SetTag("messaging.operation.type", "send");
        activity.SetTag("messaging.destination.name", row.Exchange);
        activity.SetTag("messaging.message.id", row.MessageId);
        activity.SetTag("posops.device_id", row.DeviceId);
        DistributedContextPropagator.Current.Inject(activity, headers, static (carrier, name, value) =>
        {
            if (carrier is IDictionary<string, object?> target && value is not null)
            {
                target[name] = value;
            }
        });
        return activity;
    }
}
