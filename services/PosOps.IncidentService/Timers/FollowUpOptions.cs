using PosOps.ServiceDefaults.Configuration;

namespace PosOps.IncidentService.Timers;

/// <summary>The guide's follow-up: after the fix, check that the terminal really trades normally again.</summary>
public sealed class FollowUpOptions : IValidatedOptions
{
    public const string Section = "Incidents:FollowUp";

    /// <summary>Escalation of incidents nobody acknowledged (configured under Incidents:FollowUp:Escalation).</summary>
    public EscalationOptions Escalation { get; set; } = new();

    /// <summary>How long a resolved incident must stay healthy before it is verified.</summary>
    public double WindowSeconds { get; set; } = 600;

    /// <summary>How often due timers are looked for.</summary>
    public double PollSeconds { get; set; } = 1;

    /// <summary>When offline transactions are still unreconciled, check again after this long.</summary>
    public double RetryUnreconciledSeconds { get; set; } = 60;

    public IEnumerable<string> Validate()
    {
        foreach (var problem in Escalation.Validate())
        {
            yield return problem;
        }

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

/// <summary>How long ops have to acknowledge, by severity, and how many levels (first line, second line, vendor) there are.</summary>
public sealed class EscalationOptions
{
    public double BlockingSeconds { get; set; } = 300;

    public double DegradedSeconds { get; set; } = 900;

    public double MinorSeconds { get; set; } = 3600;

    public int MaxLevel { get; set; } = 3;

    public TimeSpan DeadlineFor(PosOps.Contracts.Incidents.Severity severity) => TimeSpan.FromSeconds(severity switch
    {
        PosOps.Contracts.Incidents.Severity.Blocking => BlockingSeconds,
        PosOps.Contracts.Incidents.Severity.Degraded => DegradedSeconds,
        _ => MinorSeconds,
    });

    public IEnumerable<string> Validate()
    {
        if (BlockingSeconds <= 0 || DegradedSeconds <= 0 || MinorSeconds <= 0)
        {
            yield return "Escalation:BlockingSeconds, DegradedSeconds and MinorSeconds must be positive";
        }

        if (MaxLevel is < 1 or > 10)
        {
            yield return $"Escalation:MaxLevel must be 1-10, got {MaxLevel}";
        }
    }
}
