using PosOps.ServiceDefaults.Configuration;

namespace PosOps.IncidentService.AgentInbox;

/// <summary>How agent traffic is taken off the broker.</summary>
public sealed class AgentInboxOptions : IValidatedOptions
{
    public const string Section = "AgentInbox";

    /// <summary>Most messages handled (and committed) together; also the consumer prefetch.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How long a batch waits to fill after its first message.</summary>
    public int BatchWindowMilliseconds { get; set; } = 5;

    /// <summary>The default body limit (64 KiB, as the README says): room for a 200-transaction upload several times over.</summary>
    public const int DefaultMaxBodyBytes = 64 * 1024;

    /// <summary>Bodies larger than this are rejected unread.</summary>
    public int MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>
    /// Partition queues per kind of agent traffic (fault, heartbeat, transactions). A device's messages
    /// always land in the same partition, which has one active consumer across all replicas, so they
    /// take effect in the order sent. Every replica must use the same number (see README, "Ordering").
    /// </summary>
    public int Partitions { get; set; } = 4;

    /// <summary>Cap of each heartbeat partition queue; the oldest are dropped first, since the next heartbeat corrects them.</summary>
    public int HeartbeatQueueMaxLength { get; set; } = 50_000;

    public IEnumerable<string> Validate()
    {
        if (BatchSize is < 1 or > 5000)
        {
            yield return $"BatchSize must be 1-5000, got {BatchSize}";
        }

        if (BatchWindowMilliseconds is < 0 or > 1000)
        {
            yield return $"BatchWindowMilliseconds must be 0-1000, got {BatchWindowMilliseconds}";
        }

        if (MaxBodyBytes is < 1024 or > 4 * 1024 * 1024)
        {
            yield return $"MaxBodyBytes must be 1024-4194304, got {MaxBodyBytes}";
        }

        if (Partitions is < 1 or > AgentTopology.MaxPartitions)
        {
            yield return $"Partitions must be 1-{AgentTopology.MaxPartitions}, got {Partitions}";
        }

        if (HeartbeatQueueMaxLength < 1000)
        {
            yield return $"HeartbeatQueueMaxLength must be at least 1000, got {HeartbeatQueueMaxLength}";
        }
    }
}
