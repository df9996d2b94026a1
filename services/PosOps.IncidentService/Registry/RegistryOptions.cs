using PosOps.ServiceDefaults.Configuration;

namespace PosOps.IncidentService.Registry;

public sealed class RegistryOptions : IValidatedOptions
{
    public const string Section = "Registry";

    /// <summary>Optional JSON file of registry entries (as `TerminalAgent --export-registry` writes), imported at start and when it changes.</summary>
    public string? ImportFile { get; set; }

    public IEnumerable<string> Validate()
    {
        if (ImportFile is { Length: > 0 } && !File.Exists(ImportFile))
        {
            yield return $"ImportFile '{ImportFile}' does not exist";
        }
    }
}
