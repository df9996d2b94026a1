using Polly;
using Polly.Retry;
using PosOps.NotificationService.Channels;

namespace PosOps.NotificationService.Delivery;

/// <summary>
/// Retries in two tiers: a few quick ones in process (Polly 8, exponential with jitter), then the
/// delivery waits in PostgreSQL for its next round, so a receiver that is down for long, or a restart
/// of NotificationService, loses nothing.
/// </summary>
public static class RetryPolicy
{
    public static ResiliencePipeline<DeliveryAttempt> QuickRetries(DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ResiliencePipelineBuilder<DeliveryAttempt>();
        if (options.QuickRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<DeliveryAttempt>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { Outcome: DeliveryOutcome.Transient }),
                MaxRetryAttempts = options.QuickRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(options.RetryBaseDelaySeconds),
                MaxDelay = TimeSpan.FromSeconds(options.RetryMaxDelaySeconds),
            });
        }

        return builder.Build();
    }

    /// <summary>
    /// Wait before the next round after <paramref name="tries"/> failed tries: base × 2^tries, capped,
    /// then scaled by a random factor in [0.5, 1) so many alerts to one receiver do not come back together.
    /// </summary>
    public static TimeSpan NextRound(int tries, DeliveryOptions options, double random)
    {
        ArgumentNullException.ThrowIfNull(options);
        var exponential = options.RetryBaseDelaySeconds * Math.Pow(2, Math.Min(tries, 30));
        return TimeSpan.FromSeconds(Math.Min(exponential, options.RetryMaxDelaySeconds) * (0.5 + (random / 2)));
    }
}
