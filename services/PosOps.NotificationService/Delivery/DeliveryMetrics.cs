using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PosOps.NotificationService.Delivery;

/// <summary>The service's meter: delivery outcomes and latency per channel (exported with /metrics and OTLP).</summary>
public sealed class DeliveryMetrics
{
    public const string MeterName = "PosOps.NotificationService";

    private readonly Counter<long> attempts;
    private readonly Histogram<double> latency;

    public DeliveryMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        attempts = meter.CreateCounter<long>("posops.notifications.attempts", description: "Delivery attempts by channel and outcome");
        latency = meter.CreateHistogram<double>("posops.notifications.attempt.duration", "ms", "Time a receiver took to answer");
    }

    public void Attempted(string channel, DeliveryAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var tags = new TagList { { "channel", channel }, { "outcome", attempt.Outcome.ToString().ToLowerInvariant() } };
        attempts.Add(1, tags);
        latency.Record(attempt.Latency.TotalMilliseconds, tags);
    }
}
