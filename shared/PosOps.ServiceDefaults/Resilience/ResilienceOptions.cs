using PosOps.ServiceDefaults.Configuration;

namespace PosOps.ServiceDefaults.Resilience;

/// <summary>How long-running loops wait for a dependency that is away: exponential backoff, capped, with jitter.</summary>
public sealed class ResilienceOptions : IValidatedOptions
{
    public const string Section = "Resilience";

    /// <summary>The first wait after a failure.</summary>
    public double BackoffBaseMilliseconds { get; set; } = 500;

    /// <summary>The longest wait between two tries: also about the longest a loop lags behind a dependency's return.</summary>
    public double BackoffMaxSeconds { get; set; } = 10;

    public IEnumerable<string> Validate()
    {
        if (BackoffBaseMilliseconds is < 1 or > 60_000)
        {
            yield return "BackoffBaseMilliseconds must be between 1 and 60000";
        }

        if (BackoffMaxSeconds < BackoffBaseMilliseconds / 1000 || BackoffMaxSeconds > 3600)
        {
            yield return "BackoffMaxSeconds must be at least BackoffBaseMilliseconds and at most 3600";
        }
    }

    /// <summary>The wait before try <paramref name="attempt"/> + 1: doubling from the base up to the cap, then 50–100 % of it.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var capped = Math.Min(BackoffMaxSeconds * 1000, BackoffBaseMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() / 2)));
    }
}
