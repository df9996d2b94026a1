using PosOps.ServiceDefaults.Configuration;

namespace PosOps.TerminalAgent.Simulation;

/// <summary>A simulated fleet: N terminals in M stores with background faults.</summary>
public sealed class SimulationOptions : IValidatedOptions
{
    public const string Section = "Agent:Simulation";

    /// <summary>Set by <c>--simulate</c>.</summary>
    public bool Enabled { get; set; }

    public int Terminals { get; set; } = 50;

    public int Stores { get; set; } = 5;

    public double HeartbeatIntervalSeconds { get; set; } = 15;

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

        if (HeartbeatIntervalSeconds is < 0.2 or > 3600)
        {
            yield return $"HeartbeatIntervalSeconds must be 0.2-3600, got {HeartbeatIntervalSeconds}";
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
