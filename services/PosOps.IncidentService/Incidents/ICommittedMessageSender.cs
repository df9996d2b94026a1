namespace PosOps.IncidentService.Incidents;

/// <summary>
/// Sends one kind of message made from a committed event (an integration event, a command to a terminal).
/// The after-commit publisher hands each message, in commit order, to the one sender that takes it, so a
/// feature with something to send after commit plugs in a sender and the publisher names no feature.
/// </summary>
public interface ICommittedMessageSender
{
    bool Sends(object message);

    /// <param name="sequence">The stored event's sequence (downstream order and dedupe).</param>
    /// <param name="traceParent">The trace the send belongs to, if any.</param>
    Task SendAsync(object message, long sequence, string? traceParent, CancellationToken cancellationToken);
}
