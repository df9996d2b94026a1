using PosOps.ServiceDefaults.Configuration;

namespace PosOps.IncidentService.Timers;

/// <summary>The guide's follow-up: after the fix, check that the terminal really trades normally again.</summary>
public sealed class FollowUpOptions : IValidatedOptions
{
    public const string Section = "Incidents:FollowUp";

    /// <summary>How long a resolved incident must stay healthy before it is verified.</summary>
    public double WindowSeconds { get; set; } = 600;

    /// <summary>How often due timers are looked for.</summary>
    public double PollSeconds { get; set; } = 1;

    /// <summary>When offline transactions are still unreconciled, check again after this long.</summary>
    public double RetryUnreconciledSeconds { get; set; } = 60;

    public IEnumerable<string> Validate()
    {
        if (WindowSeconds <= 0)
        {
            yield return $"WindowSeconds must be positive, got {WindowSeconds}";
        }

        if (PollSeconds is <= 0 or > 60)
        {
            yield return $"PollSeconds must be in (0, 60], got {PollSeconds}";
        }

        if (RetryUnreconciledSeconds <= 0)
        {
            yield return $"RetryUnreconciledSeconds must be positive, got {RetryUnreconciledSeconds}";
        }
    }
}
