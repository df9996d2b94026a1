using PosOps.ServiceDefaults.Configuration;

namespace PosOps.TerminalAgent.Outbox;

/// <summary>Where the agent keeps what must survive a power cut: outbox, sequences, offline journal.</summary>
public sealed class AgentStoreOptions : IValidatedOptions
{
    public const string Section = "Agent:Store";

    /// <summary>SQLite file. Relative paths are under the working directory.</summary>
    public string Path { get; set; } = ".posops/agent/agent.db";

    /// <summary>Outbox size at which the oldest heartbeats are dropped; faults and transactions never are.</summary>
    public int MaxOutboxMessages { get; set; } = 50_000;

    /// <summary>Messages read and published per drain round.</summary>
    public int PublishBatchSize { get; set; } = 500;

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            yield return "Path must name the agent's SQLite file, e.g. /var/lib/posops/agent.db";
        }

        if (MaxOutboxMessages < 100)
        {
            yield return $"MaxOutboxMessages must be at least 100, got {MaxOutboxMessages}";
        }

        if (PublishBatchSize is < 1 or > 10_000)
        {
            yield return $"PublishBatchSize must be 1-10000, got {PublishBatchSize}";
        }
    }
}
