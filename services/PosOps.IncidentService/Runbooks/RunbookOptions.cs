using PosOps.ServiceDefaults.Configuration;

namespace PosOps.IncidentService.Runbooks;

public sealed class RunbookOptions : IValidatedOptions
{
    public const string Section = "Runbooks";

    /// <summary>Folder of runbook files (*.json); by default the set shipped beside the service, written from the guide.</summary>
    public string Folder { get; set; } = Path.Combine(AppContext.BaseDirectory, "Runbooks", "Definitions");

    public IEnumerable<string> Validate()
    {
        if (!Directory.Exists(Folder))
        {
            yield return $"Folder '{Folder}' does not exist (it should hold the runbook *.json files)";
        }
    }
}
