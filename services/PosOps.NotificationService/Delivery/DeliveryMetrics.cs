using System.Diagnostics;
using System.Diagnostics.Metrics;
using PosOps.NotificationService.Channels;

namespace PosOps.NotificationService.Delivery;

/// <summary>The service's meter: delivery outcomes and latency per channel (exported with /metrics and OTLP).</summary>
public sealed class DeliveryMetrics
{
    public const string MeterName = "PosOps.NotificationService";

    private readonly Counter<long> attempts;
    private readonly Histogram<double> latency;
    private readonly Counter<long> errored;

    public DeliveryMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        attempts = meter.CreateCounter<long>("posops.notifications.attempts", description: "Delivery attempts by channel and outcome");
        latency = meter.CreateHistogram<double>("posops.notifications.attempt.duration", "ms", "Time a receiver took to answer");
        errored = meter.CreateCounter<long>("posops.notifications.errored", description: "Integration events moved to an _error queue because they can never succeed");
    }

    /// <summary>An event that can never become an alert (not a dependency being away) goes to its _error queue.</summary>
    public void Errored(string eventType, Exception reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        errored.Add(1, new TagList { { "event", eventType }, { "reason", reason.GetType().Name } });
    }

    public void Attempted(string channel, DeliveryAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var tags = new TagList { { "channel", channel }, { "outcome", attempt.Outcome.ToString().ToLowerInvariant() } };
        attempts.Add(1, tags);
        latency.Record(attempt.Latency.TotalMilliseconds, tags);
    }
}
