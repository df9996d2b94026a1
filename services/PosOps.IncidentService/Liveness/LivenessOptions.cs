using PosOps.ServiceDefaults.Configuration;

namespace PosOps.IncidentService.Liveness;

/// <summary>When a device counts as silent: <see cref="MissedHeartbeats"/> × interval + grace, 3 × 15 s + 2 s by default.</summary>
public sealed class LivenessOptions : IValidatedOptions
{
    public const string Section = "Liveness";

    public double HeartbeatIntervalSeconds { get; set; } = 15;

    public int MissedHeartbeats { get; set; } = 3;

    public double GraceSeconds { get; set; } = 2;

    /// <summary>How often silent devices are looked for.</summary>
    public double CheckEverySeconds { get; set; } = 1;

    public TimeSpan SilentAfter => TimeSpan.FromSeconds((HeartbeatIntervalSeconds * MissedHeartbeats) + GraceSeconds);

    public IEnumerable<string> Validate()
    {
        if (HeartbeatIntervalSeconds <= 0 || MissedHeartbeats < 1 || GraceSeconds < 0)
        {
            yield return $"HeartbeatIntervalSeconds must be positive, MissedHeartbeats at least 1 and GraceSeconds 0 or more; got {HeartbeatIntervalSeconds}, {MissedHeartbeats}, {GraceSeconds}";
        }

        if (CheckEverySeconds is <= 0 or > 60)
        {
            yield return $"CheckEverySeconds must be in (0, 60], got {CheckEverySeconds}";
        }
    }
}
