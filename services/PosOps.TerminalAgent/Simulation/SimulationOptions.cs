using PosOps.ServiceDefaults.Configuration;

namespace PosOps.TerminalAgent.Simulation;

/// <summary>A simulated fleet: N terminals in M stores with background faults.</summary>
public sealed class SimulationOptions : IValidatedOptions
{
    public const string Section = "Agent:Simulation";

    /// <summary>Set by <c>--simulate</c>.</summary>
    public bool Enabled { get; set; }

    public int Terminals { get; set; } = 50;

    /// <summary>Links every simulated terminal has, best first in the network policy.</summary>
    public List<string> Links { get; set; } = ["wifi", "cellular"];

    /// <summary>Secret the simulated fleet's signing keys derive from (a simulation-only provisioning secret).</summary>
    public string FleetSecret { get; set; } = "posops-simulated-fleet";

    /// <summary>Mean seconds between sales on a terminal that cannot reach the payment host (they go to the offline journal); 0 = none.</summary>
    public double OfflineSaleEverySeconds { get; set; } = 20;

    /// <summary>Optional JSON scenario file that scripts faults over time (see Simulation/scenarios/).</summary>
    public string? ScenarioFile { get; set; }

    public int Stores { get; set; } = 5;

    /// <summary>Mean seconds between background faults across the whole fleet; 0 turns them off.</summary>
    public double FaultEverySeconds { get; set; } = 5;

    /// <summary>Seconds before the first background fault.</summary>
    public double FirstFaultAfterSeconds { get; set; } = 3;

    public double ClearAfterMinSeconds { get; set; } = 20;

    public double ClearAfterMaxSeconds { get; set; } = 60;

    /// <summary>Random seed, for reproducible runs; null picks one.</summary>
    public int? Seed { get; set; }

    /// <summary>Stops the simulator after this many seconds; 0 runs until stopped.</summary>
    public double DurationSeconds { get; set; }

    public IEnumerable<string> Validate()
    {
        if (Terminals is < 1 or > 200_000)
        {
            yield return $"Terminals must be 1-200000, got {Terminals}";
        }

        if (Stores < 1 || Stores > Terminals)
        {
            yield return $"Stores must be 1-{Terminals} (at least one terminal per store), got {Stores}";
        }

        if (Links.Count == 0)
        {
            yield return "Links must name at least one link (ethernet, wifi, cellular, hotspot)";
        }

        if (string.IsNullOrEmpty(FleetSecret))
        {
            yield return "FleetSecret must not be empty";
        }

        if (ScenarioFile is not null && !File.Exists(ScenarioFile))
        {
            yield return $"ScenarioFile '{ScenarioFile}' does not exist";
        }

        if (FaultEverySeconds < 0)
        {
            yield return $"FaultEverySeconds must be 0 (off) or more, got {FaultEverySeconds}";
        }

        if (ClearAfterMinSeconds <= 0 || ClearAfterMaxSeconds < ClearAfterMinSeconds)
        {
            yield return $"ClearAfterMinSeconds must be > 0 and ClearAfterMaxSeconds at least as large, got {ClearAfterMinSeconds}..{ClearAfterMaxSeconds}";
        }

        if (DurationSeconds < 0)
        {
            yield return $"DurationSeconds must be 0 (run until stopped) or more, got {DurationSeconds}";
        }
    }
}
