using Marten;
using Microsoft.Extensions.Options;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Timers;

/// <summary>
/// The deadlines the incident lifecycle starts, in the transaction of the event that starts them: the
/// acknowledgement deadline of an opened incident, and the follow-up check of a resolved one.
/// </summary>
public sealed class DeadlineTimers(IOptions<FollowUpOptions> followUp) : IDeviceReaction
{
    public const string FollowUp = "follow-up";
    public const string AcknowledgeDeadline = "ack-deadline";

    public ValueTask<Reaction> ReactAsync(IDocumentSession session, Device after, IReadOnlyList<IDeviceEvent> happened, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(happened);
        var options = followUp.Value;
        List<TimerRequest> timers = [];
        foreach (var e in happened)
        {
            switch (e)
            {
                case IncidentResolved resolved:
                    timers.Add(new TimerRequest(FollowUp, resolved.IncidentId, 1, now + TimeSpan.FromSeconds(options.WindowSeconds)));
                    break;
                case IncidentReopened reopened:
                    // A follow-up scheduled for an earlier resolution must not verify the next one early.
                    DurableTimers.Cancel(session, reopened.IncidentId, FollowUp);
                    break;
                case IncidentOpened opened:
                    timers.Add(new TimerRequest(AcknowledgeDeadline, opened.IncidentId, 1, now + options.Escalation.DeadlineFor(opened.Severity)));
                    break;
            }
        }

        return ValueTask.FromResult(timers.Count == 0 ? Reaction.None : new Reaction([], timers));
    }
}
