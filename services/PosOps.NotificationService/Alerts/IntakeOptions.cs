using PosOps.ServiceDefaults.Configuration;

namespace PosOps.NotificationService;

/// <summary>How NotificationService takes incident events off the broker (section <c>Notification:Intake</c>).</summary>
public sealed class IntakeOptions : IValidatedOptions
{
    public const string Section = "Notification:Intake";

    /// <summary>Partition queues; one incident always lands in one, taken in order by one consumer.</summary>
    public int Partitions { get; set; } = 4;

    /// <summary>Unacknowledged deliveries per partition (taken one at a time, in order).</summary>
    public int Prefetch { get; set; } = 64;

    public IEnumerable<string> Validate()
    {
        if (Partitions is < 1 or > 64)
        {
            yield return $"Partitions must be 1-64, got {Partitions}";
        }

        if (Prefetch is < 1 or > 10_000)
        {
            yield return $"Prefetch must be 1-10000, got {Prefetch}";
        }
    }
}
