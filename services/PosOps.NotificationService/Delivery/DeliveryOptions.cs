using PosOps.ServiceDefaults.Configuration;

namespace PosOps.NotificationService.Delivery;

/// <summary>How the delivery worker retries. Every time is configurable so tests run in seconds.</summary>
public sealed class DeliveryOptions : IValidatedOptions
{
    public const string Section = "Notification:Delivery";

    /// <summary>How often the log is polled for due retries and ripe digests (new alerts wake the worker at once).</summary>
    public double PollSeconds { get; set; } = 1;

    /// <summary>Deliveries in flight at once, per instance.</summary>
    public int Concurrency { get; set; } = 32;

    /// <summary>Quick retries inside one delivery round (Polly, exponential with jitter) before the alert waits in PostgreSQL.</summary>
    public int QuickRetries { get; set; } = 2;

    /// <summary>First retry delay; each later one doubles, with jitter.</summary>
    public double RetryBaseDelaySeconds { get; set; } = 0.5;

    /// <summary>Longest wait between delivery rounds: a receiver back after an outage gets its alerts within this.</summary>
    public double RetryMaxDelaySeconds { get; set; } = 60;

    /// <summary>After this long undelivered, an alert goes to the dead letters.</summary>
    public double GiveUpAfterMinutes { get; set; } = 1440;

    /// <summary>How long a claimed delivery stays with one instance before another may take it (a crash mid-send).</summary>
    public double LeaseSeconds { get; set; } = 60;

    public IEnumerable<string> Validate()
    {
        if (PollSeconds is < 0.01 or > 60)
        {
            yield return $"PollSeconds must be 0.01-60, got {PollSeconds}";
        }

        if (Concurrency is < 1 or > 1024)
        {
            yield return $"Concurrency must be 1-1024, got {Concurrency}";
        }

        if (QuickRetries is < 0 or > 10)
        {
            yield return $"QuickRetries must be 0-10, got {QuickRetries}";
        }

        if (RetryBaseDelaySeconds <= 0 || RetryMaxDelaySeconds < RetryBaseDelaySeconds)
        {
            yield return $"RetryBaseDelaySeconds must be above 0 and at most RetryMaxDelaySeconds, got {RetryBaseDelaySeconds} / {RetryMaxDelaySeconds}";
        }

        if (GiveUpAfterMinutes <= 0)
        {
            yield return $"GiveUpAfterMinutes must be above 0, got {GiveUpAfterMinutes}";
        }

        if (LeaseSeconds < 1)
        {
            yield return $"LeaseSeconds must be at least 1, got {LeaseSeconds}";
        }
    }
}
