using PosOps.ServiceDefaults.Configuration;

namespace PosOps.IncidentService.Registry;

public sealed class RegistryOptions : IValidatedOptions
{
    public const string Section = "Registry";

    /// <summary>Optional JSON file of registry entries (as `TerminalAgent --export-registry` writes), imported at start and when it changes.</summary>
    public string? ImportFile { get; set; }

    /// <summary>Seconds between checks of the file when no change event came (events make a change count at once).</summary>
    public double CheckSeconds { get; set; } = 5;

    public IEnumerable<string> Validate()
    {
        if (ImportFile is { Length: > 0 } && !File.Exists(ImportFile))
        {
            yield return $"ImportFile '{ImportFile}' does not exist";
        }

        if (CheckSeconds is <= 0 or > 3600)
        {
            yield return $"CheckSeconds must be between 0 and 3600 seconds (got {CheckSeconds})";
        }
    }
}
