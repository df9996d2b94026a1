namespace PosOps.NotificationService.Channels;

/// <summary>How a channel's send ended; Delivery decides what to do next from it.</summary>
public enum DeliveryOutcome
{
    Delivered,

    /// <summary>Worth trying again: 5xx, 408, 425, 429, timeouts, refused connections.</summary>
    Transient,

    /// <summary>Will not heal by retrying (4xx other than 408/425/429): goes to the dead letters.</summary>
    Permanent,
}

/// <summary>What one delivery attempt did.</summary>
public sealed record DeliveryAttempt(DeliveryOutcome Outcome, int? StatusCode, TimeSpan Latency, string? Error)
{
    public bool Delivered => Outcome == DeliveryOutcome.Delivered;
}
