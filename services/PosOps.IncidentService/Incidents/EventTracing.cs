using System.Diagnostics;
using JasperFx.Events;
using Marten;
using PosOps.Contracts.Agent;

namespace PosOps.IncidentService.Incidents;

/// <summary>
/// W3C trace context through the event store. A commit and a subscription sit between an agent's
/// message and the integration event it leads to, so the trace cannot ride along in memory: the
/// events a message causes carry its trace as a Marten header (and the trace id as correlation id,
/// which auditors see), and the after-commit publisher continues that trace. Agent → IncidentService
/// → NotificationService is then one trace.
/// </summary>
public static class EventTracing
{
    public const string SourceName = "PosOps.IncidentService";

    public const string TraceParentHeader = "traceparent";

    private static readonly ActivitySource Source = new(SourceName);

    // Batch handlers get plain messages; the trace context each one arrived with travels beside them.
    private static readonly AsyncLocal<IReadOnlyDictionary<Guid, string>?> Arrived = new();

    /// <summary>Names the <c>traceparent</c> each message of a batch arrived with, until disposed.</summary>
    public static IDisposable Arriving(IReadOnlyDictionary<Guid, string> traceParents)
    {
        var before = Arrived.Value;
        Arrived.Value = traceParents;
        return new Restore(before);
    }

    /// <summary>A span for applying one agent message, child of the agent's publish span; null when it came untraced.</summary>
    public static Activity? StartApply(IAgentMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Arrived.Value is not { } arrived || !arrived.TryGetValue(message.MessageId, out var traceParent)
            || !ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent))
        {
            return null;
        }

        var activity = Source.StartActivity($"apply {message.GetType().Name}", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.message.id", message.MessageId.ToString());
        activity?.SetTag("posops.device_id", message.DeviceId);
        return activity;
    }

    /// <summary>The events to append, each carrying the current trace (unchanged when there is none).</summary>
    public static IReadOnlyList<object> Stamp(IDocumentSession session, IReadOnlyList<object> events)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(events);
        if (Activity.Current is not { IdFormat: ActivityIdFormat.W3C } current || events.Count == 0)
        {
            return events;
        }

        return [.. events.Select(data =>
        {
            var e = session.Events.BuildEvent(data);
            e.SetHeader(TraceParentHeader, current.Id!);
            e.CorrelationId = current.TraceId.ToHexString();
            return e;
        })];
    }

    /// <summary>
    /// A producer span for publishing what a stored event leads to, in the trace the event was stored in,
    /// or else in <paramref name="fallbackTraceParent"/> (a held alert released by a timer: the trace it opened in).
    /// </summary>
    public static Activity? StartPublish(IEvent stored, string messageType, string? fallbackTraceParent = null)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if ((stored.GetHeader(TraceParentHeader)?.ToString() ?? fallbackTraceParent) is not { } traceParent || !ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent))
        {
            return null;
        }

        var activity = Source.StartActivity($"publish {messageType}", ActivityKind.Producer, parent);
        activity?.SetTag("posops.event_sequence", stored.Sequence);
        activity?.SetTag("posops.stream", stored.StreamKey);
        return activity;
    }

    private sealed class Restore(IReadOnlyDictionary<Guid, string>? before) : IDisposable
    {
        public void Dispose() => Arrived.Value = before;
    }
}
