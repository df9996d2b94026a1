using System.Diagnostics.Metrics;
using JasperFx.Events;
using PosOps.IncidentService.AgentInbox;
using Wire = PosOps.Contracts.Incidents;

namespace PosOps.IncidentService.Publishing;

/// <summary>A committed event the after-commit publisher could never publish (its reason is permanent), kept for ops.</summary>
public sealed record ParkedEvent(Guid Id, long Sequence, string StreamId, string EventType, string Message, string Reason, DateTimeOffset ParkedAt);

/// <summary>
/// Parks an unpublishable event so the events after it flow on: a document with the reason, the counter
/// <c>posops_events_parked</c>, and a platform alert (a PlatformOutageDetected with cause <c>event-parked</c>).
/// </summary>
public sealed class ParkedEvents
{
    public const string Cause = "event-parked";
    private readonly Counter<long> parked;

    public ParkedEvents(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        parked = meterFactory.Create(InboxMetrics.MeterName).CreateCounter<long>("posops.events.parked", description: "Committed events that could not be published and were parked");
    }

    public ParkedEvent Record(IEvent stored, string message, Exception reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(reason);
        parked.Add(1, new KeyValuePair<string, object?>("message", message));
        return new ParkedEvent(stored.Id, stored.Sequence, stored.StreamKey ?? "", stored.EventTypeName, message, $"{reason.GetType().Name}: {reason.Message}", now);
    }

    /// <summary>The platform alert for a parked event; its event id derives from the parked one, so a retry is recognised.</summary>
    public static Wire.PlatformOutageDetected Alert(ParkedEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var bytes = e.Id.ToByteArray();
        bytes[0] ^= 0xA5;
        return new Wire.PlatformOutageDetected(new Guid(bytes), e.Id, $"{Cause}: {e.Message} (event sequence {e.Sequence}, stream {e.StreamId}): {e.Reason}", 0, 0, e.ParkedAt, e.ParkedAt);
    }
}
