using PosOps.ServiceDefaults.Configuration;

namespace PosOps.IncidentService.Incidents;

/// <summary>
/// Our outage, the store's, or theirs (design principle 8): when device incidents are really one store
/// incident (router, ISP) or one platform incident (broker, network, us).
/// </summary>
public sealed class CorrelationOptions : IValidatedOptions
{
    public const string Section = "Incidents:Correlation";

    /// <summary>Share of a store's terminals that must lose network or go silent together.</summary>
    public double StoreShare { get; set; } = 0.6;

    /// <summary>At least this many terminals, whatever the share.</summary>
    public int StoreMinTerminals { get; set; } = 2;

    /// <summary>"Together": their incidents opened within this window.</summary>
    public double StoreWindowSeconds { get; set; } = 120;

    /// <summary>A connectivity incident's alert waits this long for the store correlation before it goes out alone.</summary>
    public double AlertHoldSeconds { get; set; } = 30;

    /// <summary>Share of the whole fleet silent at once that means a platform outage.</summary>
    public double PlatformShare { get; set; } = 0.3;

    /// <summary>At least this many silent devices for a platform outage.</summary>
    public int PlatformMinDevices { get; set; } = 20;

    /// <summary>How often stores are checked.</summary>
    public double CheckEverySeconds { get; set; } = 1;

    public TimeSpan AlertHold => TimeSpan.FromSeconds(AlertHoldSeconds);

    public IEnumerable<string> Validate()
    {
        if (StoreShare is <= 0 or > 1)
        {
            yield return $"StoreShare must be in (0, 1], got {StoreShare}";
        }

        if (StoreMinTerminals < 2)
        {
            yield return $"StoreMinTerminals must be at least 2 (one terminal is a device incident), got {StoreMinTerminals}";
        }

        if (StoreWindowSeconds <= 0)
        {
            yield return $"StoreWindowSeconds must be positive, got {StoreWindowSeconds}";
        }

        if (AlertHoldSeconds < 0)
        {
            yield return $"AlertHoldSeconds must not be negative, got {AlertHoldSeconds}";
        }

        if (PlatformShare is <= 0 or > 1)
        {
            yield return $"PlatformShare must be in (0, 1], got {PlatformShare}";
        }

        if (PlatformMinDevices < 1)
        {
            yield return $"PlatformMinDevices must be at least 1, got {PlatformMinDevices}";
        }

        if (CheckEverySeconds is <= 0 or > 60)
        {
            yield return $"CheckEverySeconds must be in (0, 60], got {CheckEverySeconds}";
        }
    }
}
