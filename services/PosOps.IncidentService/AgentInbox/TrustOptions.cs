using PosOps.ServiceDefaults.Configuration;

namespace PosOps.IncidentService.AgentInbox;

/// <summary>Which agent messages are believed.</summary>
public sealed class TrustOptions : IValidatedOptions
{
    public const string Section = "Trust";

    /// <summary>Reject messages that are unsigned, from unregistered devices, or whose signature does not match.</summary>
    public bool RequireSignatures { get; set; } = true;

    /// <summary>A message whose sequence is this far or more below the device's highest seen is a replay.</summary>
    public long ReplayWindow { get; set; } = 1000;

    public IEnumerable<string> Validate()
    {
        if (ReplayWindow < 1)
        {
            yield return $"ReplayWindow must be at least 1, got {ReplayWindow}";
        }
    }
}
