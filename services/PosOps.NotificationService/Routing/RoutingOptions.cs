using PosOps.ServiceDefaults.Configuration;

namespace PosOps.NotificationService.Routing;

/// <summary>Where the routing rules live and the storm defaults routes may override.</summary>
public sealed class RoutingOptions : IValidatedOptions
{
    public const string Section = "Notification:Rules";

    /// <summary>Rules file (YAML or JSON). Unset: every alert goes to the built-in <c>webhook</c> receiver.</summary>
    public string? File { get; set; }

    /// <summary>How often the file is checked for a change.</summary>
    public double CheckSeconds { get; set; } = 2;

    /// <summary>More alerts than this on one route within the window become one digest.</summary>
    public int StormThreshold { get; set; } = 10;

    public double StormWindowSeconds { get; set; } = 60;

    public IEnumerable<string> Validate()
    {
        if (File is { Length: > 0 } && !System.IO.File.Exists(File))
        {
            yield return $"File '{File}' does not exist";
        }

        if (CheckSeconds is < 0.05 or > 3600)
        {
            yield return $"CheckSeconds must be 0.05-3600, got {CheckSeconds}";
        }

        if (StormThreshold < 1)
        {
            yield return $"StormThreshold must be at least 1, got {StormThreshold}";
        }

        if (StormWindowSeconds is < 0.1 or > 86400)
        {
            yield return $"StormWindowSeconds must be 0.1-86400, got {StormWindowSeconds}";
        }
    }
}
