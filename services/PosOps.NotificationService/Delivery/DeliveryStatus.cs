using PosOps.NotificationService.Channels;

namespace PosOps.NotificationService.Delivery;

/// <summary>Where a row of the delivery log stands.</summary>
public enum DeliveryStatus
{
    /// <summary>Due to be sent (now or at <c>next_attempt_at</c>).</summary>
    Pending,

    /// <summary>Claimed by one instance with a lease.</summary>
    Sending,

    Delivered,

    /// <summary>Given up: the reason is in <c>dead_letters</c>.</summary>
    Dead,

    /// <summary>Held back by a store or platform incident: recorded, not sent.</summary>
    Held,

    /// <summary>More than the route's storm threshold: waits for the digest.</summary>
    Storm,

    /// <summary>Sent as part of a digest (<c>digest_id</c>).</summary>
    Digested,
}

/// <summary>
/// The one mapping between the log's enums and the text in its columns. Written out rather than
/// derived from the member names, so a rename cannot change what existing databases hold.
/// </summary>
public static class DeliveryLogText
{
    public static string ToText(this DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.Sending => "sending",
        DeliveryStatus.Delivered => "delivered",
        DeliveryStatus.Dead => "dead",
        DeliveryStatus.Held => "held",
        DeliveryStatus.Storm => "storm",
        DeliveryStatus.Digested => "digested",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The status as a SQL literal: partial indexes (see DeliveryLog.sql) match literal predicates only.</summary>
    public static string Sql(this DeliveryStatus status) => $"'{status.ToText()}'";

    /// <summary>The <c>attempts.outcome</c> text.</summary>
    public static string ToText(this DeliveryOutcome outcome) => outcome switch
    {
        DeliveryOutcome.Delivered => "delivered",
        DeliveryOutcome.Transient => "transient",
        DeliveryOutcome.Permanent => "permanent",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };
}
